// `npm run bench [-- --only ingest,delivery] [--short] [--split]`: measures the gateway from the
// outside, as users run it (the `npm start` bundle, real HTTP, subscribers as local HTTP servers),
// each figure beside a floor measured in the same run, and prints the table with PASS/FAIL.
// Exits 0 whether targets pass or fail; non-zero only when a section could not be measured.
import { execSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { cleanupAll, shutDown } from './lib/cleanup';
import { parseOptions, type SectionName } from './lib/options';
import type { TreeRss } from './lib/process-tree';
import { fmt, fmtRss, mibToMb, verdict } from './lib/stats';
import { printTable } from './lib/table';
import type { Verdict } from './lib/verdict';
import { benchBacklog, benchRecovery } from './sections/backlog';
import { benchDelivery } from './sections/delivery';
import { benchIngest } from './sections/ingest';
import { benchLatency } from './sections/latency';

const TARGET_RSS_MB = 250;
const options = (() => {
  try {
    return parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  }
})();
// Generous: a full run takes about 7 minutes on an idle 2-core machine.
const BUDGET_MS: Record<SectionName, number> = {
  ingest: 5 * 60_000,
  delivery: 6 * 60_000,
  latency: 4 * 60_000,
  backlog: 12 * 60_000,
  recovery: 12 * 60_000,
};

/** Peak summed RSS of the gateway's processes over the sections that sampled it under load. */
const rssPeaks: { section: string; rss: TreeRss }[] = [];

const sections: Record<SectionName, () => Promise<Verdict[]>> = {
  ingest: () => benchIngest(options),
  delivery: async () => {
    const result = await benchDelivery(options);
    rssPeaks.push({ section: 'delivery (c)', rss: result.rss });
    return result.verdicts;
  },
  latency: async () => {
    const result = await benchLatency(options);
    rssPeaks.push({ section: 'latency (d)(e)', rss: result.rss });
    return result.verdicts;
  },
  backlog: () => benchBacklog(options),
  recovery: () => benchRecovery(options),
};

function withinBudget<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

async function abort(reason: string): Promise<never> {
  console.error(`\nbench aborted: ${reason}; cleaning up`);
  await shutDown(3_000);
  process.exit(1);
}

function commit(): string {
  try {
    const sha = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
    const dirty = execSync('git status --porcelain --untracked-files=no', { encoding: 'utf8' }).trim();
    return dirty ? `${sha} + local changes` : sha;
  } catch {
    return 'unknown commit';
  }
}

function memoryVerdict(): Verdict | null {
  if (rssPeaks.length === 0) return null;
  const peak = rssPeaks.reduce((a, b) => (b.rss.peakMb > a.rss.peakMb ? b : a));
  return {
    row: 'f',
    measure: `peak RSS, all gateway processes summed (${peak.rss.processes} process${peak.rss.processes === 1 ? '' : 'es'}), during ${rssPeaks.map((p) => p.section).join(' and ')}`,
    gateway: rssPeaks.map((p) => `${fmtRss(p.rss.peakMb)} in ${p.section}`).join(', '),
    floor: '',
    figure: fmtRss(peak.rss.peakMb),
    target: `<= ${TARGET_RSS_MB} MB`,
    pass: mibToMb(peak.rss.peakMb) <= TARGET_RSS_MB,
  };
}

async function main(): Promise<number> {
  const started = performance.now();
  const measured = commit(); // at the start: what was built and measured
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  console.log(
    `ipn-gateway bench at ${measured}: ${options.sections.join(', ')}${options.short ? ' (SHORT: figures not comparable)' : ''}; gateway ${options.topology === 'all' ? 'ROLE=all (npm start)' : 'ROLE=server + ROLE=worker'}; load average ${load()}`,
  );
  const verdicts: Verdict[] = [];
  let errors = 0;
  for (const name of options.sections) {
    const sectionStart = performance.now();
    try {
      verdicts.push(...(await withinBudget(sections[name](), BUDGET_MS[name], name)));
    } catch (error) {
      errors++;
      console.error(
        `\nsection ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`,
      );
      await cleanupAll(); // a half-finished section must not leave children running into the next
    }
    console.log(`(${name}: ${fmt((performance.now() - sectionStart) / 1000)} s; load average ${load()})`);
  }
  const memory = memoryVerdict();
  if (memory) verdicts.push(memory);
  verdicts.sort((a, b) => a.row.localeCompare(b.row));
  printTable(
    `Summary at ${measured} (${fmt((performance.now() - started) / 1000)} s; load average now ${load()})`,
    ['', 'measure', 'gateway', 'floor (same run)', 'figure', 'target', 'result'],
    verdicts.map((v) => [v.row, v.measure, v.gateway, v.floor, v.figure, v.target, verdict(v.pass)]),
  );
  return errors > 0 ? 1 : 0;
}

process.once('SIGINT', () => void abort('SIGINT'));
process.once('SIGTERM', () => void abort('SIGTERM'));

main()
  .catch((error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    return 1;
  })
  .then(async (code) => {
    await cleanupAll();
    process.exit(code);
  });
