// The repository must stand alone: a fresh clone with nothing beside it passes its own tests.
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, repositoryFiles, scanRepository, scanText } from '../../scripts/standalone-scan';

// Built from pieces so this file does not itself contain what it looks for.
const SIBLING = ['..', 'shared'].join('/');
const MACHINE = `/${'work'}/`;
const UP = '..';

describe('the repository stands alone', () => {
  it('lists the files git tracks, fixtures and docs included', () => {
    const files = repositoryFiles();
    expect(files).toContain('package.json');
    expect(files).toContain('test/fixtures/paypal/web_accept-completed.txt');
    expect(files).toContain('docs/contract.md');
    expect(files.some((file) => file.startsWith('node_modules/'))).toBe(false);
  });

  it('has no file that names a sibling folder, a machine path or a path above its root', () => {
    const findings = scanRepository(REPO_ROOT);
    expect(findings.map((finding) => `${finding.file}:${finding.line}: ${finding.rule}`)).toEqual([]);
  });
});

describe('the scan itself', () => {
  it('catches a sibling folder, in code and in prose', () => {
    expect(scanText('test/support/x.ts', `readFileSync('${SIBLING}/fixtures/a.txt')`)).toHaveLength(1);
    expect(scanText('README.md', `see ${SIBLING}/SPEC.md`)[0]?.rule).toMatch(/sibling/);
  });

  it('catches an absolute machine path', () => {
    const [finding] = scanText('src/a.ts', `const dir = '${MACHINE}main/data';`);
    expect(finding).toMatchObject({ file: 'src/a.ts', line: 1, rule: 'names an absolute machine path' });
  });

  it('catches paths resolved above the working directory', () => {
    expect(scanText('test/a.test.ts', `path.resolve(process.cwd(), '${UP}/fixtures')`)).not.toEqual([]);
  });

  it('catches relative paths and links that climb out of the repository', () => {
    expect(scanText('test/a.test.ts', `readFileSync('${UP}/${UP}/${UP}/protocols/x.md')`)[0]?.rule).toMatch(
      /outside the repository/,
    );
    expect(scanText('docs/a.md', `[notes](${UP}/${UP}/protocols/x.md)`)[0]?.rule).toMatch(/outside/);
  });

  it('leaves relative paths that stay inside alone', () => {
    const ok = [
      "import { x } from '../../providers/types';",
      "new URL('../package-lock.json', import.meta.url)",
      '[contract](../contract.md) and `.../base/SSLUtil.java`',
    ].join('\n');
    expect(scanText('test/cli/a.test.ts', ok.split('\n')[0] as string)).toEqual([]);
    expect(scanText('scripts/a.mjs', ok.split('\n')[1] as string)).toEqual([]);
    expect(scanText('docs/protocols/a.md', ok.split('\n')[2] as string)).toEqual([]);
  });
});
