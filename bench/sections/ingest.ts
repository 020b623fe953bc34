// Target 1: accepting a notification reaches >= 70% of a bare "INSERT the raw body" endpoint.
// Both run as child processes, get the same bodies and the same autocannon load.
import { type BenchDatabase, createBenchDatabase, insertSubscribers } from '../lib/bench-db';
import { startChild } from '../lib/child-process';
import { type CpuUsage, cpuSince, cpuSnapshot } from '../lib/cpu-usage';
import { benchQueuePrefix, startGateway } from '../lib/gateway-child';
import { type LoadResult, runLoad } from '../lib/load';
import { type BodyPool, cycling } from '../lib/notifications';
import { samplePool } from '../lib/pg-activity';
import { deleteKeys } from '../lib/redis-keys';
import { sampleRss } from '../lib/rss-sampler';
import { fmt, pct, verdict } from '../lib/stats';
import { printTable } from '../lib/table';
import type { Verdict } from '../lib/verdict';

const CONNECTIONS = 32;
const WARMUP_SEC = 2;
const MEASURE_SEC = 10;
const TARGET_RATIO = 0.7;
// Subscribers that exist only so fan-out rows are written; no worker runs, nothing is sent.
const UNUSED_SUBSCRIBERS = [0, 1, 2, 3].map((i) => `http://127.0.0.1:9/subscriber-${i}`);

interface Measured {
  load: LoadResult;
  cpu: CpuUsage;
  /** PostgreSQL connections running a statement: average / peak of the pool's 10. */
  poolBusy: string;
  peakRssMb: number;
  /** What the database holds afterwards, to show every request did the full work. */
  stored: string;
}

async function warmAndMeasure(
  url: string,
  pool: BodyPool,
  pid: number,
  activity: { sql: BenchDatabase['sql']; database: string; applicationName: string },
): Promise<Omit<Measured, 'stored'>> {
  const cursor = { next: 0 };
  const rss = sampleRss(pid);
  await runLoad({ url, pool, cursor, connections: CONNECTIONS, durationSec: WARMUP_SEC });
  const madeBefore = pool.prepared();
  const before = cpuSnapshot(pid);
  const poolSampler = samplePool(activity.sql, activity.database, activity.applicationName);
  const load = await runLoad({ url, pool, cursor, connections: CONNECTIONS, durationSec: MEASURE_SEC });
  const cpu = cpuSince(before, pid);
  const busy = poolSampler.stop();
  if (pool.prepared() > madeBefore) {
    console.warn(`  note: ${pool.prepared() - madeBefore} bodies were signed during the measurement`);
  }
  const { peakMb } = rss.stop();
  return { load, cpu, poolBusy: `${fmt(busy.averageActive, 1)} / ${busy.peakActive}`, peakRssMb: peakMb };
}

async function measureBaseline(pool: BodyPool): Promise<Measured> {
  const db = await createBenchDatabase({ migrate: false });
  const server = await startChild({
    name: 'baseline ingest server',
    entry: 'bench/baseline-ingest-server.ts',
    env: { DATABASE_URL: db.url },
    ready: /listening on (http:\/\/\S+)/,
  });
  try {
    // The raw insert does not care about repeats, so no body is signed while it is measured.
    const measured = await warmAndMeasure(`${server.ready[1]}/ingest`, cycling(pool), server.pid, {
      sql: db.sql,
      database: db.name,
      applicationName: 'baseline-ingest',
    });
    const [row] = await db.sql<{ rows: number }[]>`select count(*)::int as rows from raw_notifications`;
    return { ...measured, stored: `${fmt(row?.rows ?? 0)} rows` };
  } finally {
    await server.stop();
    await db.drop();
  }
}

async function measureGateway(provider: 'paypal' | '2checkout', pool: BodyPool): Promise<Measured> {
  const db = await createBenchDatabase({ migrate: true });
  await insertSubscribers(db, UNUSED_SUBSCRIBERS);
  const prefix = benchQueuePrefix(`ingest-${provider}`);
  const gateway = await startGateway({ role: 'server', databaseUrl: db.url, queuePrefix: prefix });
  try {
    const measured = await warmAndMeasure(`${gateway.url}/ipn/${provider}`, pool, gateway.pid, {
      sql: db.sql,
      database: db.name,
      applicationName: 'ipn-gateway',
    });
    const [row] = await db.sql<{ messages: number; events: number; deliveries: number }[]>`
      select (select count(*)::int from inbound_messages) as messages,
             (select count(*)::int from events) as events,
             (select count(*)::int from deliveries) as deliveries`;
    const stored = `${fmt(row?.messages ?? 0)} msg / ${fmt(row?.events ?? 0)} evt / ${fmt(row?.deliveries ?? 0)} dlv`;
    return { ...measured, stored };
  } finally {
    await gateway.stop();
    await deleteKeys(prefix);
    await db.drop();
  }
}

/** CPU microseconds per accepted request: server / PostgreSQL / Redis / load generator. */
function cpuPerRequest({ cpu, load }: Measured): string {
  const per = (ms: number) => fmt((ms * 1000) / Math.max(1, load.ok));
  return `${per(cpu.ms.app)} / ${per(cpu.ms.postgres)} / ${per(cpu.ms.redis)} / ${per(cpu.ms.bench)}`;
}

function row(name: string, bodyBytes: number, measured: Measured): string[] {
  const { load } = measured;
  return [
    name,
    `${bodyBytes} B`,
    fmt(load.okPerSec),
    fmt(load.p50Ms),
    fmt(load.p99Ms),
    fmt(load.non2xx + load.errors),
    cpuPerRequest(measured),
    `${pct(measured.cpu.machineBusy)} (${fmt(measured.cpu.otherCores, 2)})`,
    measured.poolBusy,
    fmt(measured.peakRssMb),
    measured.stored,
  ];
}

export async function benchIngest(pools: { twocheckout: BodyPool; paypal: BodyPool }): Promise<Verdict[]> {
  const runs = [
    { provider: '2checkout' as const, pool: pools.twocheckout },
    { provider: 'paypal' as const, pool: pools.paypal },
  ];
  const rows: string[][] = [];
  const verdicts: Verdict[] = [];
  for (const { provider, pool } of runs) {
    const bodyBytes = Buffer.byteLength(pool.body(0));
    // Baseline right before the gateway, with the very same bodies, so drift hits both alike.
    const baseline = await measureBaseline(pool);
    const gateway = await measureGateway(provider, pool);
    const ratio = gateway.load.okPerSec / baseline.load.okPerSec;
    rows.push(row(`baseline (${provider} bodies)`, bodyBytes, baseline));
    rows.push(row(`gateway /ipn/${provider}`, bodyBytes, gateway));
    const ratioRow = [`  ratio ${provider}`, '', pct(ratio), '', '', '', '', '', '', ''];
    rows.push([...ratioRow, `>= 70%: ${verdict(ratio >= TARGET_RATIO)}`]);
    verdicts.push({
      target: `ingest ${provider} >= 70% of bare insert`,
      measured: `${pct(ratio)} (${fmt(gateway.load.okPerSec)} vs ${fmt(baseline.load.okPerSec)} req/s)`,
      pass: ratio >= TARGET_RATIO,
    });
  }
  printTable(
    `1. Ingest: ${CONNECTIONS} connections, ${MEASURE_SEC} s after ${WARMUP_SEC} s warm-up (2xx req/s; latency ms)`,
    [
      'run',
      'body',
      'req/s',
      'p50',
      'p99',
      'non-2xx/err',
      'CPU µs/req server/pg/redis/loadgen',
      'cores busy (others)',
      'pg conns active avg/peak',
      'peak RSS MiB',
      'stored afterwards (incl. warm-up)',
    ],
    rows,
  );
  return verdicts;
}
