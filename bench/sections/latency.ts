// Target 3: one ROLE=all gateway under a steady 500 notifications/s. Latency is sink arrival minus
// client send time of the same notification (matched by data.transaction_id = REFNO), over all
// four subscribers; memory is the child's peak VmRSS.
import { createBenchDatabase, insertSubscribers } from '../lib/bench-db';
import { type CpuUsage, cpuSince, cpuSnapshot } from '../lib/cpu-usage';
import { benchQueuePrefix, startGateway } from '../lib/gateway-child';
import type { BodyPool } from '../lib/notifications';
import { type PoolSampler, samplePool } from '../lib/pg-activity';
import { sampleRss } from '../lib/rss-sampler';
import { type PacedResult, sendPaced } from '../lib/senders';
import { startSink } from '../lib/sink';
import { fmt, percentile, verdict } from '../lib/stats';
import { printTable } from '../lib/table';
import { printTimeline, type Receipt } from '../lib/timeline';
import type { Verdict } from '../lib/verdict';

const RATE = 500;
const DURATION_MS = 20_000;
const SENDER_CONNECTIONS = 64;
const SUBSCRIBERS = 4;
const DRAIN_TIMEOUT_MS = 30_000;
const TARGET_P99_MS = 150;
const TARGET_RSS_MB = 250;

interface LatencyRun {
  sentAt: Float64Array;
  receipts: Receipt[];
  unmatched: number;
  paced: PacedResult;
  drained: boolean;
  deliveredWhileSending: number;
  cpu: CpuUsage;
  pool: ReturnType<PoolSampler['stop']>;
  startMb: number;
  peakMb: number;
}

function transactionId(body: Buffer): string | undefined {
  try {
    return JSON.parse(body.toString()).data?.transaction_id;
  } catch {
    return undefined;
  }
}

async function run(pool: BodyPool): Promise<LatencyRun> {
  const total = Math.round((RATE * DURATION_MS) / 1000);
  pool.prepare(total);
  const indexOf = new Map<string, number>();
  for (let i = 0; i < total; i++) indexOf.set(pool.idOf(i), i);

  const sink = await startSink();
  const db = await createBenchDatabase({ migrate: true });
  try {
    await insertSubscribers(
      db,
      Array.from({ length: SUBSCRIBERS }, (_, i) => `${sink.url}/subscriber-${i}`),
    );
    const gateway = await startGateway({
      role: 'all',
      databaseUrl: db.url,
      queuePrefix: benchQueuePrefix('latency'),
    });
    const startMb = sampleRss(gateway.pid).stop().lastMb; // idle, right after start-up
    const rss = sampleRss(gateway.pid);
    const sentAt = new Float64Array(total);
    const receipts: Receipt[] = [];
    let unmatched = 0;
    sink.observe((_path, body, receivedAt) => {
      const id = transactionId(body);
      const sent = id === undefined ? undefined : sentAt[indexOf.get(id) ?? -1];
      if (!sent) unmatched++;
      else receipts.push({ receivedAt, latencyMs: receivedAt - sent });
    });
    try {
      const before = cpuSnapshot(gateway.pid);
      const poolSampler = samplePool(db.sql, db.name);
      const paced = await sendPaced(`${gateway.url}/ipn/2checkout`, pool, RATE, SENDER_CONNECTIONS, sentAt);
      const cpu = cpuSince(before, gateway.pid);
      const deliveredWhileSending = sink.received() / cpu.seconds;
      const drained = await sink.waitFor(paced.ok * SUBSCRIBERS, DRAIN_TIMEOUT_MS);
      const { peakMb } = rss.stop();
      const poolBusy = poolSampler.stop();
      return {
        sentAt,
        receipts,
        unmatched,
        paced,
        drained: drained !== null,
        deliveredWhileSending,
        cpu,
        pool: poolBusy,
        startMb,
        peakMb,
      };
    } finally {
      rss.stop();
      await gateway.stop();
    }
  } finally {
    await db.drop();
    await sink.close();
  }
}

function report(result: LatencyRun): Verdict[] {
  const { paced, cpu, receipts } = result;
  // Missing receipts count as "never", so they cannot hide in the percentiles.
  const expected = paced.ok * SUBSCRIBERS;
  const missing = Math.max(0, expected - receipts.length);
  const all = receipts.map((r) => r.latencyMs).concat(Array(missing).fill(Number.POSITIVE_INFINITY));
  const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(all, p)) as [number, number, number];
  const answers = Array.from(paced.answerMs).filter((ms) => !Number.isNaN(ms));
  const cores = (ms: number) => fmt(ms / 1000 / cpu.seconds, 2);
  if (process.env.BENCH_VERBOSE === '1') printTimeline(result.sentAt, receipts);

  printTable(
    `3. Latency and memory: one ROLE=all gateway, ${RATE} IPN/s for ${DURATION_MS / 1000} s, ${SUBSCRIBERS} subscribers (ms)`,
    ['measure', 'p50', 'p95', 'p99', 'notes'],
    [
      [
        'received -> subscriber 2xx',
        fmt(p50),
        fmt(p95),
        fmt(p99),
        `${fmt(receipts.length)}/${fmt(expected)} delivered${result.drained ? '' : ' (drain timed out)'}${result.unmatched ? `, ${result.unmatched} unmatched` : ''}; p99 <= ${TARGET_P99_MS}: ${verdict(p99 <= TARGET_P99_MS)}`,
      ],
      [
        'ingest answer (client)',
        fmt(percentile(answers, 50)),
        fmt(percentile(answers, 95)),
        fmt(percentile(answers, 99)),
        `${fmt(paced.ok)}/${fmt(paced.sent)} IPNs answered 2xx, ${paced.failed} failed`,
      ],
      [
        'while sending',
        '',
        '',
        '',
        `${fmt(result.deliveredWhileSending)} deliveries/s (${fmt(RATE * SUBSCRIBERS)}/s due); pg conns active avg ${fmt(result.pool.averageActive, 1)}, peak ${result.pool.peakActive} of ${result.pool.connections}`,
      ],
      [
        'CPU while sending (cores)',
        '',
        '',
        '',
        `gateway ${cores(cpu.ms.app)}, postgres ${cores(cpu.ms.postgres)}, redis ${cores(cpu.ms.redis)}, bench ${cores(cpu.ms.bench)}, others ${fmt(cpu.otherCores, 2)}`,
      ],
      [
        'gateway RSS (MiB)',
        '',
        '',
        fmt(result.peakMb, 1),
        `peak, sampled every 200 ms; ${fmt(result.startMb, 1)} after start-up; <= ${TARGET_RSS_MB}: ${verdict(result.peakMb <= TARGET_RSS_MB)}`,
      ],
    ],
  );
  return [
    {
      target: `delivery p99 <= ${TARGET_P99_MS} ms at ${RATE}/s`,
      measured: Number.isFinite(p99)
        ? `${fmt(p99)} ms`
        : `> ${DRAIN_TIMEOUT_MS / 1000} s (${fmt(missing)} undelivered)`,
      pass: p99 <= TARGET_P99_MS,
    },
    {
      target: `gateway peak RSS <= ${TARGET_RSS_MB} MB`,
      measured: `${fmt(result.peakMb, 1)} MiB`,
      pass: result.peakMb <= TARGET_RSS_MB,
    },
  ];
}

export async function benchLatency(pool: BodyPool): Promise<Verdict[]> {
  return report(await run(pool));
}
