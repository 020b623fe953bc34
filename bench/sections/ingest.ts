// Rows (a) and (b): notifications accepted per second by the gateway against a floor measured just
// before it with the same load: a bare Hono endpoint doing one INSERT of the body. The gateway is
// one `npm start` process (ROLE=all, or --split roles) with no subscribers; for PayPal its worker
// verifies every notification against a local fake PayPal DURING the measurement, so that CPU is
// part of the figure. After (b), a bound that is not a target: the floor plus PayPal's own
// exchanges (postback, second statement) and nothing else, to show what the protocol leaves room for.
import { type BenchDatabase, createBenchDatabase } from '../lib/bench-db';
import { startChild } from '../lib/child-process';
import { type CpuUsage, cpuSince, cpuSnapshot } from '../lib/cpu-usage';
import { type FakePaypal, startFakePaypal } from '../lib/fake-paypal';
import { benchQueuePrefix, startGateway } from '../lib/gateway-child';
import { type LoadResult, runLoad } from '../lib/load';
import { newBatch, type Provider } from '../lib/notifications';
import type { BenchOptions } from '../lib/options';
import { sampleTreeRss } from '../lib/process-tree';
import { fmt, pct, verdict } from '../lib/stats';
import { printTable } from '../lib/table';
import type { Verdict } from '../lib/verdict';

const CONNECTIONS = 32;
const TARGETS: Record<Provider, number> = { '2checkout': 0.7, paypal: 0.5 };

interface Measured {
  load: LoadResult;
  cpu: CpuUsage;
  peakRssMb: number;
  /** What happened besides answering (rows stored, postbacks made). */
  notes: string;
}

/** Bodies for one measured run: made beforehand; more are made on the fly if the run outpaces them. */
function bodySource(provider: Provider, prepared: number, distinct: boolean) {
  const batch = newBatch(provider, prepared);
  let extra = 0;
  return {
    body(index: number): string {
      if (index < batch.bodies.length) return batch.bodies[index] as string;
      if (!distinct) return batch.bodies[index % batch.bodies.length] as string;
      extra++;
      return newBatch(provider, 1).bodies[0] as string;
    },
    extra: () => extra,
  };
}

async function warmAndMeasure(
  url: string,
  body: (index: number) => string,
  pids: number[],
  options: BenchOptions,
  during?: { start(): Promise<void>; stop(): Promise<string> },
): Promise<Omit<Measured, 'notes'> & { duringNote: string }> {
  const cursor = { next: 0 };
  const warmSec = options.short ? 1 : 2;
  const measureSec = options.short ? 3 : 10;
  const rss = sampleTreeRss(pids);
  await runLoad({ url, body, cursor, connections: CONNECTIONS, durationSec: warmSec });
  await during?.start();
  const before = cpuSnapshot(pids);
  const load = await runLoad({ url, body, cursor, connections: CONNECTIONS, durationSec: measureSec });
  const cpu = cpuSince(before, pids);
  const duringNote = (await during?.stop()) ?? '';
  return { load, cpu, peakRssMb: rss.stop().peakMb, duringNote };
}

async function countRows(db: BenchDatabase, query: string): Promise<string> {
  try {
    const [row] = await db.sql.unsafe<{ n: number }[]>(query);
    return fmt(row?.n ?? 0);
  } catch {
    return 'n/a'; // the gateway's schema is not the bench's business; this is only a note
  }
}

/**
 * The floor; with `postbacks`, the floor plus PayPal's own exchanges (postback and a second
 * statement per notification, answered by a local fake): what the protocol alone costs here.
 */
async function measureFloor(provider: Provider, options: BenchOptions, postbacks = false): Promise<Measured> {
  const db = await createBenchDatabase();
  const paypal = postbacks ? await startFakePaypal() : null;
  const server = await startChild({
    name: postbacks ? 'ingest floor with postbacks' : 'ingest floor',
    entry: postbacks ? 'bench/floor-ingest-postback.ts' : 'bench/floor-ingest.ts',
    env: { DATABASE_URL: db.url, ...(paypal ? { VERIFY_URL: paypal.verifyUrl } : {}) },
    ready: /listening on (http:\/\/\S+)/,
  });
  try {
    // Repeats cost the floor nothing, so it cycles through a few thousand bodies.
    const source = bodySource(provider, 5_000, false);
    const measured = await warmAndMeasure(
      `${server.ready[1]}/ingest`,
      source.body,
      [server.pid],
      options,
      (paypal && postbacksDuring(paypal)) || undefined,
    );
    const rows = await countRows(db, 'select count(*)::int as n from raw_notifications');
    const verdicts = paypal
      ? await countRows(db, "select count(*)::int as n from raw_notifications where verdict = 'VERIFIED'")
      : null;
    const notes = [
      `${rows} rows`,
      verdicts === null ? '' : `${verdicts} verdicts stored`,
      measured.duringNote,
    ];
    return { ...measured, notes: notes.filter(Boolean).join('; ') };
  } finally {
    await server.stop();
    await paypal?.stop();
    await db.drop();
  }
}

/** Counts the postbacks the fake answered during the measurement. */
function postbacksDuring(paypal: FakePaypal) {
  let before = 0;
  return {
    start: async () => {
      before = await paypal.postbacks();
    },
    stop: async () => `${fmt((await paypal.postbacks()) - before)} postbacks answered during the measurement`,
  };
}

async function measureGateway(provider: Provider, options: BenchOptions): Promise<Measured> {
  const db = await createBenchDatabase();
  const paypal: FakePaypal | null = provider === 'paypal' ? await startFakePaypal() : null;
  const gateway = await startGateway(options.topology, {
    databaseUrl: db.url,
    queuePrefix: benchQueuePrefix(`ingest-${provider}`),
    env: paypal ? { PAYPAL_VERIFY_URL: paypal.verifyUrl } : {},
  });
  try {
    // Enough for 12 s at 6,000/s: signing while measuring would take CPU from the load generator.
    const source = bodySource(provider, options.short ? 12_000 : 75_000, true);
    const during = paypal && postbacksDuring(paypal);
    const measured = await warmAndMeasure(
      `${gateway.url}/ipn/${provider}`,
      source.body,
      gateway.pids(),
      options,
      during || undefined,
    );
    const stored = await countRows(db, 'select count(*)::int as n from inbound_messages');
    const notes = [
      `${stored} messages stored`,
      measured.duringNote,
      source.extra() > 0 ? `${fmt(source.extra())} bodies signed while measuring` : '',
    ];
    return { ...measured, notes: notes.filter(Boolean).join('; ') };
  } finally {
    await gateway.stop();
    await paypal?.stop();
    await db.drop();
  }
}

function row(name: string, measured: Measured): string[] {
  const { load, cpu } = measured;
  const per = (ms: number) => fmt((ms * 1000) / Math.max(1, load.ok));
  return [
    name,
    fmt(load.okPerSec),
    fmt(load.p50Ms),
    fmt(load.p99Ms),
    fmt(load.non2xx + load.errors),
    `${per(cpu.ms.app)} / ${per(cpu.ms.postgres)} / ${per(cpu.ms.redis)} / ${per(cpu.ms.bench)}`,
    fmt(cpu.otherCores, 2),
    fmt(measured.peakRssMb),
    measured.notes,
  ];
}

/** A ratio under its two rows: the figure in the rate column, `note` in the last. */
function ratioRow(name: string, ratio: number, note: string): string[] {
  return [name, pct(ratio), '', '', '', '', '', '', note];
}

export async function benchIngest(options: BenchOptions): Promise<Verdict[]> {
  const rows: string[][] = [];
  const verdicts: Verdict[] = [];
  for (const [letter, provider] of [
    ['a', '2checkout'],
    ['b', 'paypal'],
  ] as const) {
    // The floor right before the gateway, with the same load, so drift hits both alike.
    const floor = await measureFloor(provider, options);
    const gateway = await measureGateway(provider, options);
    const ratio = gateway.load.okPerSec / floor.load.okPerSec;
    const target = TARGETS[provider];
    rows.push(row(`floor: Hono + one INSERT (${provider} bodies)`, floor));
    rows.push(row(`gateway /ipn/${provider}`, gateway));
    rows.push(ratioRow('  ratio', ratio, `>= ${pct(target)}: ${verdict(ratio >= target)}`));
    if (provider === 'paypal') {
      // Not a target: how far the protocol's own exchanges let any listener go on this machine.
      const bound = await measureFloor(provider, options, true);
      rows.push(row('bound: floor + postback + UPDATE, no gateway logic', bound));
      rows.push(ratioRow('  bound / floor', bound.load.okPerSec / floor.load.okPerSec, ''));
    }
    verdicts.push({
      row: letter,
      measure:
        provider === '2checkout'
          ? '2Checkout ingest / bare Hono + one INSERT'
          : 'PayPal ingest (postbacks answered during the run) / same floor',
      gateway: `${fmt(gateway.load.okPerSec)} req/s`,
      floor: `${fmt(floor.load.okPerSec)} req/s`,
      figure: ratio.toFixed(2),
      target: `>= ${target.toFixed(2)}`,
      pass: ratio >= target,
    });
  }
  printTable(
    `(a)(b) Ingest: autocannon, ${CONNECTIONS} connections, ${options.short ? 3 : 10} s after ${options.short ? 1 : 2} s warm-up; gateway ${options.topology === 'all' ? 'ROLE=all' : 'ROLE=server + ROLE=worker'}, no subscribers`,
    [
      'run',
      '2xx/s',
      'p50 ms',
      'p99 ms',
      'non-2xx/err',
      'CPU µs/req app/pg/redis/bench',
      'other cores',
      'peak RSS MiB',
      'notes',
    ],
    rows,
  );
  return verdicts;
}
