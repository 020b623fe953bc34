// Row (c): delivery measured the way users load the gateway. N notifications are posted at
// concurrency 50; the figure is the time from the first post to the last arrival at 4
// subscribers. The floor gets the same posts and is timed the same way: a bare Hono endpoint adds
// a BullMQ job, and the job POSTs the gateway's own event JSON to the 4 subscribers.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createBenchDatabase } from '../lib/bench-db';
import { startChild } from '../lib/child-process';
import { type CpuUsage, cpuSince, cpuSnapshot } from '../lib/cpu-usage';
import { addSubscriber, benchQueuePrefix, startGateway } from '../lib/gateway-child';
import { newBatch } from '../lib/notifications';
import type { BenchOptions } from '../lib/options';
import { sampleTreeRss, type TreeRss } from '../lib/process-tree';
import { REDIS_URL } from '../lib/redis-keys';
import { postAll } from '../lib/senders';
import { fmt, verdict } from '../lib/stats';
import { type Subscribers, startSubscribers } from '../lib/subscribers';
import { printTable } from '../lib/table';
import type { Verdict } from '../lib/verdict';

const SUBSCRIBERS = 4;
const POST_CONCURRENCY = 50;
const TARGET_RATIO = 0.4;
const DRAIN_TIMEOUT_MS = 180_000;

interface Timed {
  notifications: number;
  accepted: number;
  arrived: number;
  /** First post to last arrival, seconds. */
  seconds: number;
  /** First post to last answer of the posts, seconds. */
  postSeconds: number;
  cpu: CpuUsage;
  rss: TreeRss;
}

/** Posts `count` new notifications to `url` and waits for every one of them at every subscriber. */
async function timeRun(url: string, count: number, subscribers: Subscribers, pids: number[]): Promise<Timed> {
  const batch = newBatch('2checkout', count);
  subscribers.reset();
  const rss = sampleTreeRss(pids);
  const before = cpuSnapshot(pids);
  const sent = await postAll(url, batch, POST_CONCURRENCY);
  const lastAt = await subscribers.waitFor(sent.ok * SUBSCRIBERS, DRAIN_TIMEOUT_MS);
  const cpu = cpuSince(before, pids);
  return {
    notifications: count,
    accepted: sent.ok,
    arrived: subscribers.total(),
    seconds: ((lastAt ?? Number.POSITIVE_INFINITY) - sent.startedAt) / 1000,
    postSeconds: (sent.finishedAt - sent.startedAt) / 1000,
    cpu,
    rss: rss.stop(),
  };
}

/**
 * For reference only: the floor's worker fed by jobs the bench adds itself (50 adds in flight),
 * without the HTTP endpoint in front. Timed from the first add to the last arrival.
 */
async function timeDirectJobs(
  prefix: string,
  count: number,
  subscribers: Subscribers,
  pid: number,
): Promise<Timed> {
  const batch = newBatch('2checkout', count);
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const queue = new Queue<{ id: string }>('floor', { connection, prefix });
  subscribers.reset();
  const rss = sampleTreeRss([pid]);
  const before = cpuSnapshot([pid]);
  const startedAt = performance.timeOrigin + performance.now();
  let next = 0;
  try {
    const lane = async () => {
      while (next < count) {
        const id = batch.ids[next++] as string;
        await queue.add('post', { id }, { removeOnComplete: true, removeOnFail: true });
      }
    };
    await Promise.all(Array.from({ length: POST_CONCURRENCY }, lane));
  } finally {
    await queue.close();
    connection.disconnect();
  }
  const postedAt = performance.timeOrigin + performance.now();
  const lastAt = await subscribers.waitFor(count * SUBSCRIBERS, DRAIN_TIMEOUT_MS);
  return {
    notifications: count,
    accepted: count,
    arrived: subscribers.total(),
    seconds: ((lastAt ?? Number.POSITIVE_INFINITY) - startedAt) / 1000,
    postSeconds: (postedAt - startedAt) / 1000,
    cpu: cpuSince(before, [pid]),
    rss: rss.stop(),
  };
}

/** The event JSON a subscriber got, with its transaction id turned into a placeholder. */
function template(sample: string | null): string {
  if (!sample) throw new Error('no delivery was captured to build the floor JSON from');
  const parsed = JSON.parse(sample) as { data?: { transaction_id?: string } };
  const id = parsed.data?.transaction_id;
  if (!id) throw new Error('the delivered JSON has no data.transaction_id');
  return sample.split(`"transaction_id":"${id}"`).join('"transaction_id":"__TRANSACTION_ID__"');
}

export interface DeliveryResult {
  verdicts: Verdict[];
  rss: TreeRss;
}

export async function benchDelivery(options: BenchOptions): Promise<DeliveryResult> {
  const count = options.short ? 1_000 : 5_000;
  const warmup = options.short ? 100 : 300;
  const subscribers = await startSubscribers(SUBSCRIBERS);
  const db = await createBenchDatabase();
  let gatewayRun: Timed;
  let json: string;
  try {
    const gateway = await startGateway(options.topology, {
      databaseUrl: db.url,
      queuePrefix: benchQueuePrefix('delivery'),
    });
    try {
      for (const url of subscribers.urls) await addSubscriber(gateway.url, url);
      const ingest = `${gateway.url}/ipn/2checkout`;
      await timeRun(ingest, warmup, subscribers, gateway.pids());
      json = template(subscribers.sample());
      gatewayRun = await timeRun(ingest, count, subscribers, gateway.pids());
    } finally {
      await gateway.stop();
    }
  } finally {
    await db.drop();
  }

  const floorPrefix = benchQueuePrefix('delivery-floor');
  const floorServer = await startChild({
    name: 'delivery floor',
    entry: 'bench/floor-delivery.ts',
    env: {
      REDIS_URL,
      QUEUE_PREFIX: floorPrefix,
      SUBSCRIBER_URLS: subscribers.urls.join(','),
      EVENT_JSON: json,
      CONCURRENCY: '64',
    },
    ready: /listening on (http:\/\/\S+)/,
  });
  let floorRun: Timed;
  let directRun: Timed;
  try {
    const ingest = `${floorServer.ready[1]}/ingest`;
    await timeRun(ingest, warmup, subscribers, [floorServer.pid]);
    floorRun = await timeRun(ingest, count, subscribers, [floorServer.pid]);
    directRun = await timeDirectJobs(floorPrefix, count, subscribers, floorServer.pid);
  } finally {
    await floorServer.stop();
    await subscribers.stop();
  }

  const ratio = floorRun.seconds / gatewayRun.seconds;
  const line = (name: string, run: Timed) => {
    const per = (ms: number) => fmt((ms * 1000) / Math.max(1, run.arrived));
    return [
      name,
      `${fmt(run.accepted)}/${fmt(run.notifications)}`,
      `${fmt(run.arrived)}/${fmt(run.accepted * SUBSCRIBERS)}`,
      fmt(run.postSeconds, 2),
      fmt(run.seconds, 2),
      fmt(run.arrived / run.seconds),
      `${per(run.cpu.ms.app)} / ${per(run.cpu.ms.postgres)} / ${per(run.cpu.ms.redis)} / ${per(run.cpu.ms.bench)}`,
      fmt(run.cpu.otherCores, 2),
      fmt(run.rss.peakMb),
    ];
  };
  printTable(
    `(c) Delivery: ${fmt(count)} 2Checkout notifications posted at concurrency ${POST_CONCURRENCY} (after ${warmup} to warm up), ${SUBSCRIBERS} subscribers, ${Buffer.byteLength(json)} B JSON`,
    [
      'run',
      'accepted',
      'arrived',
      'posting s',
      'first post -> last arrival s',
      'deliveries/s',
      'CPU µs/delivery app/pg/redis/bench',
      'other cores',
      'peak RSS MiB',
    ],
    [
      line('floor: Hono + BullMQ job POSTing the JSON', floorRun),
      line('  (reference: same worker, jobs added directly)', directRun),
      line(`gateway (${options.topology === 'all' ? 'ROLE=all' : 'server + worker'})`, gatewayRun),
      [
        '  ratio (floor time / gateway time)',
        '',
        '',
        '',
        ratio.toFixed(2),
        '',
        '',
        '',
        `>= ${TARGET_RATIO}: ${verdict(ratio >= TARGET_RATIO)}`,
      ],
    ],
  );
  return {
    rss: gatewayRun.rss,
    verdicts: [
      {
        row: 'c',
        measure: `delivery / bare BullMQ job POSTing the same JSON (${fmt(count)} posted at concurrency 50 -> last arrival at 4 subscribers)`,
        gateway: `${fmt(gatewayRun.seconds, 2)} s`,
        floor: `${fmt(floorRun.seconds, 2)} s`,
        figure: ratio.toFixed(2),
        target: `>= ${TARGET_RATIO.toFixed(2)}`,
        pass: ratio >= TARGET_RATIO,
      },
    ],
  };
}
