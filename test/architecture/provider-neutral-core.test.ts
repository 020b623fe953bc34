// docs/contract.md section 9: "No file under src/ names a provider." The core knows providers only through the
// registry (providers/index.ts, providers/cli.ts). Comments may mention them (explaining why);
// code, identifiers, strings and templates may not. The TypeScript scanner separates the two.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');
// Provider ids and the names their settings and code use.
const PROVIDER_NAME = /paypal|pay_pal|2checkout|twocheckout|2co\b|verifone/i;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry.name) ? [full] : [];
  });
}

const TEXT_KINDS = new Set([
  ts.SyntaxKind.Identifier,
  ts.SyntaxKind.PrivateIdentifier,
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.TemplateHead,
  ts.SyntaxKind.TemplateMiddle,
  ts.SyntaxKind.TemplateTail,
  ts.SyntaxKind.JsxText,
  ts.SyntaxKind.RegularExpressionLiteral,
]);

/** Every name and literal in the code, with its line; comments are trivia, never nodes. */
function codeTexts(fileName: string, text: string): Array<{ line: number; text: string }> {
  const kind = fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const found: Array<{ line: number; text: string }> = [];
  const visit = (node: ts.Node) => {
    if (TEXT_KINDS.has(node.kind)) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      found.push({ line: line + 1, text: node.getText(source) });
    }
    // Template parts are children of template spans, reached through getChildren().
    for (const child of node.getChildren(source)) visit(child);
  };
  visit(source);
  return found;
}

describe('the core is provider-neutral', () => {
  it('no code under src/ names a provider (comments aside)', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(50);
    const offences = files.flatMap((file) =>
      codeTexts(file, readFileSync(file, 'utf8'))
        .filter((token) => PROVIDER_NAME.test(token.text))
        .map((token) => `${path.relative(SRC, file)}:${token.line}: ${token.text.slice(0, 80)}`),
    );
    expect(offences).toEqual([]);
  });

  it('the check itself sees names in code and ignores them in comments', () => {
    const sample = [
      '// paypal in a comment',
      "const x = 'ok'; /* 2checkout */",
      'const y = paypalThing;',
      `const z = \`a \${y} twocheckout\`;`,
    ].join('\n');
    const named = codeTexts('probe.ts', sample).filter((token) => PROVIDER_NAME.test(token.text));
    expect(named.map((token) => token.line)).toEqual([3, 4]);
  });
});
