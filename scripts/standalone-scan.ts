// Proves the repository stands alone: no file it holds names a folder beside the repository, a
// path on one particular machine, or a relative path that climbs out of the repository root.
// Run by `.ci/run` before the tests (`tsx scripts/standalone-scan.ts`) and by
// test/standalone.test.ts. Exit code 1 and one line per finding when something is wrong.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Finding {
  file: string;
  line: number;
  rule: string;
  text: string;
}

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Patterns are written so that this file does not match itself.
const LINE_RULES: ReadonlyArray<{ rule: string; pattern: RegExp }> = [
  { rule: 'names a sibling folder of the repository', pattern: /\.\.\/shared\b/ },
  { rule: 'names an absolute machine path', pattern: /(^|[^\w.])\/(work|home|Users)\/[\w.-]/ },
  {
    rule: 'climbs above the working directory',
    pattern: /process\.cwd\(\)\s*,\s*['"`]\.\.(\/|['"`])/,
  },
];

/** Quoted relative paths, and markdown link targets, that start by going up a folder. */
const RELATIVE_REFERENCES = [/['"`]((?:\.\.\/)+[^'"`\s]*)['"`]/g, /\]\(((?:\.\.\/)+[^)\s]*)\)/g];

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'data', 'dist', 'test-artifacts', 'coverage']);

/** Findings in one file's text; `file` is its path relative to the repository root. */
export function scanText(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  const folder = path.posix.dirname(file);
  text.split('\n').forEach((line, index) => {
    const at = (rule: string) => findings.push({ file, line: index + 1, rule, text: line.trim() });
    for (const { rule, pattern } of LINE_RULES) if (pattern.test(line)) at(rule);
    for (const pattern of RELATIVE_REFERENCES) {
      for (const match of line.matchAll(pattern)) {
        const target = path.posix.normalize(path.posix.join(folder, match[1] ?? ''));
        if (target === '..' || target.startsWith('../')) at(`points outside the repository (${match[1]})`);
      }
    }
  });
  return findings;
}

function walk(folder: string, prefix = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (SKIPPED_FOLDERS.has(entry.name)) continue;
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...walk(path.join(folder, entry.name), relative));
    else if (entry.isFile()) files.push(relative);
  }
  return files;
}

/** Tracked and not-yet-ignored new files; a copy without git is walked instead. */
export function repositoryFiles(root = REPO_ROOT): string[] {
  try {
    const output = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
    });
    return output.split('\0').filter((file) => file !== '' && existsSync(path.join(root, file)));
  } catch {
    return walk(root);
  }
}

export function scanRepository(root = REPO_ROOT): Finding[] {
  const findings: Finding[] = [];
  for (const file of repositoryFiles(root)) {
    const full = path.join(root, file);
    if (!statSync(full).isFile()) continue;
    const bytes = readFileSync(full);
    if (bytes.includes(0)) continue; // binary (screenshots)
    findings.push(...scanText(file, bytes.toString('utf8')));
  }
  return findings;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const findings = scanRepository();
  for (const finding of findings) {
    console.error(`${finding.file}:${finding.line}: ${finding.rule}: ${finding.text}`);
  }
  console.log(
    findings.length === 0
      ? 'standalone: no file names anything outside the repository'
      : `standalone: ${findings.length} finding(s)`,
  );
  process.exitCode = findings.length === 0 ? 0 : 1;
}
