// `npm run bench [-- ingest delivery latency]`: measures the gateway against floors taken in the
// same run and prints a report. Exits 0 whether targets pass or fail; non-zero only on errors.
import { loadavg } from 'node:os';
import { cleanupAll, shutDown } from './lib/cleanup';
import { paypalIpns, twocheckoutIpns } from './lib/notifications';
import { verdict } from './lib/stats';
import { printTable } from './lib/table';
import type { Verdict } from './lib/verdict';
import { benchDelivery } from './sections/delivery';
import { benchIngest } from './sections/ingest';
import { benchLatency } from './sections/latency';

const TOTAL_BUDGET_MS = 5 * 60_000;
// Enough signed 2Checkout bodies for the fastest expected ingest run (12 s at ~5,000 req/s).
const PREPARED_IPNS = 60_000;

const pools = { twocheckout: twocheckoutIpns(), paypal: paypalIpns() };
const sections: Record<string, { title: string; budgetMs: number; run: () => Promise<Verdict[]> }> = {
  ingest: { title: '1. Ingest', budgetMs: 120_000, run: () => benchIngest(pools) },
  delivery: { title: '2. Delivery', budgetMs: 90_000, run: () => benchDelivery(pools.twocheckout) },
  latency: { title: '3. Latency and memory', budgetMs: 90_000, run: () => benchLatency(pools.twocheckout) },
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

async function main(): Promise<number> {
  const chosen = process.argv.slice(2).filter((name) => !name.startsWith('-'));
  for (const name of chosen) if (!sections[name]) throw new Error(`unknown section "${name}"`);
  const names = chosen.length > 0 ? chosen : Object.keys(sections);

  const started = performance.now();
  console.log(
    `ipn-gateway bench: ${names.join(', ')}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  pools.twocheckout.prepare(PREPARED_IPNS);
  pools.paypal.prepare(PREPARED_IPNS * 2);
  console.log(
    `signed ${pools.twocheckout.prepared()} 2Checkout IPNs in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const verdicts: Verdict[] = [];
  let errors = 0;
  for (const name of names) {
    const section = sections[name] as (typeof sections)[string];
    try {
      verdicts.push(...(await withinBudget(section.run(), section.budgetMs, section.title)));
    } catch (error) {
      errors++;
      console.error(
        `\n${section.title} failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`,
      );
      await cleanupAll(); // a half-finished section must not leave children running into the next
    }
  }
  printTable(
    `Summary (${((performance.now() - started) / 1000).toFixed(0)} s; load average now ${loadavg()[0]?.toFixed(2)})`,
    ['target', 'measured', 'result'],
    verdicts.map((v) => [v.target, v.measured, verdict(v.pass)]),
  );
  return errors > 0 ? 1 : 0;
}

process.once('SIGINT', () => void abort('SIGINT'));
process.once('SIGTERM', () => void abort('SIGTERM'));
const watchdog = setTimeout(() => void abort('total time budget exceeded'), TOTAL_BUDGET_MS);

main()
  .catch((error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    return 1;
  })
  .then(async (code) => {
    clearTimeout(watchdog);
    await cleanupAll();
    process.exit(code);
  });
