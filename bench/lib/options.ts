// Command-line options of `npm run bench -- [--only a,b] [--short] [--split]`.
import type { Topology } from './gateway-child';

export const SECTION_NAMES = ['ingest', 'delivery', 'latency', 'backlog', 'recovery'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

export interface BenchOptions {
  sections: SectionName[];
  /** Smaller counts and shorter runs: a smoke test of the harness, not figures to quote. */
  short: boolean;
  topology: Topology;
}

export const USAGE = `usage: npm run bench -- [--only ${SECTION_NAMES.join(',')}] [--short] [--split]
  --only    run these sections (comma list; default all)
  --short   small counts and short runs (checks the harness; figures are not comparable)
  --split   run the gateway as ROLE=server + ROLE=worker processes instead of one ROLE=all`;

export function parseOptions(argv: string[]): BenchOptions {
  const options: BenchOptions = { sections: [...SECTION_NAMES], short: false, topology: 'all' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--short') options.short = true;
    else if (arg === '--split') options.topology = 'split';
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const list = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      const names = (list ?? '').split(',').filter(Boolean);
      const unknown = names.filter((name) => !SECTION_NAMES.includes(name as SectionName));
      if (names.length === 0 || unknown.length > 0)
        throw new Error(`--only: unknown section(s) ${unknown.join(', ')}\n${USAGE}`);
      options.sections = SECTION_NAMES.filter((name) => names.includes(name));
    } else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  return options;
}
