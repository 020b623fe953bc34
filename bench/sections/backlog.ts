// Rows (g) and (h): a large backlog, built the way it happens in production. A ROLE=server
// gateway accepts N notifications for one subscriber while no worker runs, then stops. (g) A
// worker gateway starts and drains the queued jobs: time from its start to the last arrival,
// and the peak RSS of its processes meanwhile. (h) Redis loses the jobs first (every key under
// the queue prefix is deleted, as after a flush or a Redis restart without persistence): the
// gateway's reconciler must find the deliveries in PostgreSQL and re-enqueue them. Measured from
// outside, so the figure is the time to the last ARRIVAL, an upper bound on the time to the last
// re-enqueue (a delivery arrives only after its job was re-enqueued).
import { createBenchDatabase } from '../lib/bench-db';
import { addSubscriber, benchQueuePrefix, type Role, startGatewayProcess } from '../lib/gateway-child';
import { newBatch } from '../lib/notifications';
import type { BenchOptions } from '../lib/options';
import { sampleTreeRss } from '../lib/process-tree';
import { deleteKeys } from '../lib/redis-keys';
import { postAll } from '../lib/senders';
import { fmt, fmtRss, mibToMb, verdict } from '../lib/stats';
import { epochNow, startSubscribers } from '../lib/subscribers';
import { printTable } from '../lib/table';
import type { Verdict } from '../lib/verdict';

const POST_CONCURRENCY = 50;
const TARGET_RSS_MB = 300;
const TARGET_RECOVERY_S = 120;

interface DrainRun {
  events: number;
  fillSeconds: number;
  deletedKeys: number;
  arrived: number;
  /** Worker start to last arrival, seconds (Infinity if not all arrived in time). */
  seconds: number;
  firstArrivalSeconds: number;
  peakMb: number;
  processes: number;
}

async function drainRun(options: BenchOptions, flush: boolean): Promise<DrainRun> {
  const events = options.short ? 5_000 : 100_000;
  // Long enough to see a pass or a fail against the 2-minute target, and to time a slow drain.
  const timeoutMs = (options.short ? TARGET_RECOVERY_S + 10 : 300) * 1000;
  const subscribers = await startSubscribers(1);
  const db = await createBenchDatabase();
  const prefix = benchQueuePrefix(flush ? 'recovery' : 'backlog');
  const settings = { databaseUrl: db.url, queuePrefix: prefix };
  try {
    // 1. The backlog: accepted and stored, jobs queued, no worker running.
    const server = await startGatewayProcess('server', settings);
    const fillStart = epochNow();
    try {
      await addSubscriber(server.url as string, subscribers.urls[0] as string);
      const chunk = 10_000; // signed and posted in chunks, to keep the bench's own memory flat
      for (let done = 0; done < events; done += chunk) {
        const sent = await postAll(
          `${server.url}/ipn/2checkout`,
          newBatch('2checkout', Math.min(chunk, events - done)),
          POST_CONCURRENCY,
        );
        if (sent.failed > 0)
          throw new Error(`${sent.failed} notifications were refused while building the backlog`);
      }
    } finally {
      await server.stop(); // SIGTERM drains its enqueueing first
    }
    const fillSeconds = (epochNow() - fillStart) / 1000;
    // 2. (h) only: Redis forgets every job.
    const deletedKeys = flush ? await deleteKeys(prefix) : 0;

    // 3. Drain: the gateway as users start it, minus HTTP traffic.
    const role: Role = options.topology === 'all' ? 'all' : 'worker';
    subscribers.reset();
    const startedAt = epochNow();
    const worker = await startGatewayProcess(role, settings);
    const rss = sampleTreeRss([worker.pid]);
    try {
      const lastAt = await subscribers.waitFor(events, timeoutMs);
      const peak = rss.stop();
      return {
        events,
        fillSeconds,
        deletedKeys,
        arrived: subscribers.total(),
        seconds: lastAt === null ? Number.POSITIVE_INFINITY : (lastAt - startedAt) / 1000,
        firstArrivalSeconds: (subscribers.firstAt() - startedAt) / 1000,
        peakMb: peak.peakMb,
        processes: peak.processes,
      };
    } finally {
      rss.stop();
      await worker.stop();
    }
  } finally {
    await subscribers.stop();
    await db.drop();
  }
}

export async function benchBacklog(options: BenchOptions): Promise<Verdict[]> {
  const run = await drainRun(options, false);
  printTable(
    `(g) Backlog drain: ${fmt(run.events)} events for 1 subscriber queued by a ROLE=server gateway (${fmt(run.fillSeconds)} s to post), then drained by a ${options.topology === 'all' ? 'ROLE=all' : 'ROLE=worker'} gateway`,
    [
      'arrived',
      'start -> first arrival s',
      'start -> last arrival s',
      'deliveries/s',
      'peak RSS MiB (processes)',
      `RSS <= ${TARGET_RSS_MB} MB`,
    ],
    [
      [
        `${fmt(run.arrived)}/${fmt(run.events)}`,
        fmt(run.firstArrivalSeconds, 1),
        fmt(run.seconds, 1),
        fmt(run.arrived / run.seconds),
        `${fmt(run.peakMb)} (${run.processes})`,
        verdict(mibToMb(run.peakMb) <= TARGET_RSS_MB),
      ],
    ],
  );
  return [
    {
      row: 'g',
      measure: `${fmt(run.events)}-event backlog drain: peak RSS while draining (time to drain ${fmt(run.seconds, 1)} s)`,
      gateway: fmtRss(run.peakMb),
      floor: '',
      figure: fmtRss(run.peakMb),
      target: `<= ${TARGET_RSS_MB} MB`,
      pass: mibToMb(run.peakMb) <= TARGET_RSS_MB && run.arrived >= run.events,
    },
  ];
}

export async function benchRecovery(options: BenchOptions): Promise<Verdict[]> {
  const run = await drainRun(options, true);
  const pass = run.seconds <= TARGET_RECOVERY_S;
  printTable(
    `(h) Redis-loss recovery: ${fmt(run.events)} deliveries queued, then ${fmt(run.deletedKeys)} Redis keys under the prefix deleted; a ${options.topology === 'all' ? 'ROLE=all' : 'ROLE=worker'} gateway starts with the default RECONCILE_INTERVAL`,
    [
      'arrived',
      'start -> first arrival s',
      'start -> last arrival s',
      'deliveries/s',
      'peak RSS MiB',
      `last arrival <= ${TARGET_RECOVERY_S} s`,
    ],
    [
      [
        `${fmt(run.arrived)}/${fmt(run.events)}`,
        fmt(run.firstArrivalSeconds, 1),
        fmt(run.seconds, 1),
        fmt(run.arrived / run.seconds),
        fmt(run.peakMb),
        verdict(pass),
      ],
    ],
  );
  return [
    {
      row: 'h',
      measure: `Redis-loss recovery: ${fmt(run.events)} deliveries whose jobs were flushed, worker start -> last arrival (bounds the re-enqueue time)`,
      gateway: Number.isFinite(run.seconds)
        ? `${fmt(run.seconds, 1)} s`
        : `${fmt(run.arrived)} of ${fmt(run.events)} arrived`,
      floor: '',
      figure: Number.isFinite(run.seconds) ? `${fmt(run.seconds, 1)} s` : 'timed out',
      target: `<= ${TARGET_RECOVERY_S} s`,
      pass,
    },
  ];
}
