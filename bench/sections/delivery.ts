// Target 2: the gateway's delivery worker reaches >= 40% of a bare BullMQ worker POSTing the same
// JSON. Both drain N queued jobs into one keep-alive sink (4 paths = 4 subscribers).
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { deliveryQueueName } from '../../src/queue/jobs';
import { type BenchDatabase, createBenchDatabase, insertSubscribers } from '../lib/bench-db';
import { type BenchChild, startChild } from '../lib/child-process';
import { type CpuUsage, cpuSince, cpuSnapshot } from '../lib/cpu-usage';
import { benchQueuePrefix, startGateway } from '../lib/gateway-child';
import type { BodyPool } from '../lib/notifications';
import { type PoolSampler, samplePool } from '../lib/pg-activity';
import { REDIS_URL, waitingJobs } from '../lib/redis-keys';
import { sampleRss } from '../lib/rss-sampler';
import { postAll } from '../lib/senders';
import { type Sink, startSink } from '../lib/sink';
import { fmt, pct, verdict } from '../lib/stats';
import { printTable } from '../lib/table';
import type { Verdict } from '../lib/verdict';

const DELIVERIES = 10_000;
const SUBSCRIBERS = 4;
const CONCURRENCY = 64;
const DRAIN_TIMEOUT_MS = 60_000;
const TARGET_RATIO = 0.4;

interface Drained {
  received: number;
  seconds: number;
  perSec: number;
  cpu: CpuUsage;
  peakRssMb: number;
}

/** Waits for `count` receipts, timed from the worker's start line (or its first receipt if earlier). */
async function drain(sink: Sink, worker: BenchChild, count: number): Promise<Drained> {
  const before = cpuSnapshot(worker.pid);
  const rss = sampleRss(worker.pid);
  const lastAt = await sink.waitFor(count, DRAIN_TIMEOUT_MS);
  const cpu = cpuSince(before, worker.pid);
  const { peakMb } = rss.stop();
  const start = Math.min(worker.readyAt, sink.firstAt() ?? worker.readyAt);
  const end = lastAt ?? performance.now();
  const seconds = (end - start) / 1000;
  return { received: sink.received(), seconds, perSec: sink.received() / seconds, cpu, peakRssMb: peakMb };
}

/** CPU microseconds per delivery: worker / PostgreSQL / Redis / bench process (the sink). */
function cpuPerDelivery({ cpu, received }: Drained): string {
  const per = (ms: number) => fmt((ms * 1000) / Math.max(1, received));
  return `${per(cpu.ms.app)} / ${per(cpu.ms.postgres)} / ${per(cpu.ms.redis)} / ${per(cpu.ms.bench)} (others ${fmt(cpu.otherCores, 2)} cores)`;
}

/** Fills the gateway's queue the real way: a server-only gateway ingests N/4 IPNs. */
async function queueGatewayDeliveries(db: BenchDatabase, prefix: string, pool: BodyPool): Promise<number> {
  const server = await startGateway({ role: 'server', databaseUrl: db.url, queuePrefix: prefix });
  try {
    const ok = await postAll(`${server.url}/ipn/2checkout`, pool, 0, DELIVERIES / SUBSCRIBERS, 16);
    if (ok !== DELIVERIES / SUBSCRIBERS) throw new Error(`only ${ok} IPNs were accepted`);
  } finally {
    await server.stop(); // SIGTERM drains the dispatcher, so every job is in Redis
  }
  // One job per delivery, on its subscriber's queue.
  let jobs = 0;
  for (const { id } of await db.sql<{ id: string }[]>`select id from subscribers`) {
    jobs += await waitingJobs(prefix, deliveryQueueName(id));
  }
  return jobs;
}

async function runBaseline(sink: Sink, body: string): Promise<Drained> {
  const prefix = benchQueuePrefix('delivery-baseline');
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('post', { connection, prefix });
  try {
    await queue.addBulk(
      Array.from({ length: DELIVERIES }, (_, i) => ({
        name: 'post',
        data: { path: `/subscriber-${i % SUBSCRIBERS}`, body },
        opts: { removeOnComplete: true, removeOnFail: true },
      })),
    );
  } finally {
    await queue.close();
    connection.disconnect();
  }
  sink.reset();
  const worker = await startChild({
    name: 'baseline delivery worker',
    entry: 'bench/baseline-delivery-worker.ts',
    env: {
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      QUEUE_NAME: 'post',
      SINK_URL: sink.url,
      CONCURRENCY: `${CONCURRENCY}`,
    },
    ready: /baseline delivery worker started/,
  });
  try {
    return await drain(sink, worker, DELIVERIES);
  } finally {
    await worker.stop();
  }
}

export async function benchDelivery(pool: BodyPool): Promise<Verdict[]> {
  const sink = await startSink();
  const db = await createBenchDatabase({ migrate: true });
  try {
    await insertSubscribers(
      db,
      Array.from({ length: SUBSCRIBERS }, (_, i) => `${sink.url}/subscriber-${i}`),
    );
    const prefix = benchQueuePrefix('delivery');
    const queued = await queueGatewayDeliveries(db, prefix, pool);
    const [sample] = await db.sql<{ body: string }[]>`select body from events limit 1`;
    if (!sample) throw new Error('no event was stored');

    const baseline = await runBaseline(sink, sample.body);

    sink.reset();
    const worker = await startGateway({
      role: 'worker',
      databaseUrl: db.url,
      queuePrefix: prefix,
      extra: { DELIVERY_CONCURRENCY: `${CONCURRENCY}` },
    });
    let gateway: Drained;
    let poolBusy: ReturnType<PoolSampler['stop']>;
    try {
      const poolSampler = samplePool(db.sql, db.name);
      gateway = await drain(sink, worker, DELIVERIES);
      poolBusy = poolSampler.stop();
    } finally {
      await worker.stop();
    }
    const [row] = await db.sql<{ succeeded: number }[]>`
      select count(*)::int as succeeded from deliveries where status = 'succeeded'`;

    const ratio = gateway.perSec / baseline.perSec;
    const line = (name: string, drained: Drained, note: string) => [
      name,
      `${fmt(drained.received)}/${fmt(DELIVERIES)}`,
      fmt(drained.seconds, 2),
      fmt(drained.perSec),
      cpuPerDelivery(drained),
      fmt(drained.peakRssMb),
      note,
    ];
    printTable(
      `2. Delivery: ${fmt(DELIVERIES)} jobs, concurrency ${CONCURRENCY}, ${Buffer.byteLength(sample.body)} B JSON, one keep-alive sink on ${SUBSCRIBERS} paths`,
      [
        'run',
        'received',
        'seconds',
        'deliveries/s',
        'CPU µs/delivery worker/pg/redis/sink',
        'peak RSS MiB',
        'notes',
      ],
      [
        line('baseline BullMQ + undici POST', baseline, 'job data carries the JSON'),
        line(
          'gateway ROLE=worker',
          gateway,
          `${fmt(queued)} jobs queued by ingest; ${fmt(row?.succeeded ?? 0)} rows succeeded; pg conns active avg ${fmt(poolBusy.averageActive, 1)}, peak ${poolBusy.peakActive} of ${poolBusy.connections}`,
        ),
        ['  ratio', '', '', pct(ratio), '', '', `>= 40%: ${verdict(ratio >= TARGET_RATIO)}`],
      ],
    );
    return [
      {
        target: 'delivery >= 40% of bare BullMQ job',
        measured: `${pct(ratio)} (${fmt(gateway.perSec)} vs ${fmt(baseline.perSec)} deliveries/s)`,
        pass: ratio >= TARGET_RATIO,
      },
    ];
  } finally {
    await db.drop();
    await sink.close();
  }
}
