// Isolation by construction: every enabled subscriber gets its own lane in each worker process,
// made of its own BullMQ queue and Worker (its own concurrency and, with `rate_limit`, BullMQ's
// limiter, which is kept in Redis and so holds across processes) and its own undici Pool with as
// many connections as the Worker runs jobs. A subscriber that hangs fills only its own slots and
// connections; a request never waits for a connection, so DELIVERY_TIMEOUT counts from sending.
//
// Lanes follow the subscribers table: it is read every second, and a lane starts, stops or is
// rebuilt (new origin or rate limit) to match.
import { type Job, Worker } from 'bullmq';
import { sql } from 'drizzle-orm';
import { Pool } from 'undici';
import type { DbHandle } from '../db/client';
import type { Logger } from '../logger';
import { type DeliveryJob, deliveryJobSchema, deliveryQueueName } from '../queue/jobs';
import { createWorkerConnection, type RedisConnection } from '../queue/redis';

const REFRESH_MS = 1000;
// The limiter counts jobs as they start; a request reaches the subscriber a few milliseconds
// later, with jitter. A slightly longer window keeps it at most `rate_limit` per second as seen
// by the subscriber.
const RATE_WINDOW_MS = 1100;

export interface LaneDeps {
  db: DbHandle;
  redisUrl: string;
  prefix: string;
  logger: Logger;
  /** Jobs (and connections) in flight per subscriber in this process. */
  concurrency: number;
  /** BullMQ's lock on a running job; as long as the delivery lease. */
  lockDurationMs: number;
  handle(job: DeliveryJob, pool: { origin: string; dispatcher: Pool }, jobId?: string): Promise<void>;
}

interface LaneConfig {
  id: string;
  origin: string;
  rateLimit: number | null;
}

interface Lane {
  config: LaneConfig;
  worker: Worker;
  pool: Pool;
  connection: RedisConnection;
}

const sameConfig = (a: LaneConfig, b: LaneConfig) => a.origin === b.origin && a.rateLimit === b.rateLimit;

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

export class SubscriberLanes {
  private readonly lanes = new Map<string, Lane>();
  private readonly closing = new Set<Promise<void>>();
  // Tracked here, not through BullMQ: its close() never settles while Redis is unreachable.
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly deps: LaneDeps) {}

  async start(): Promise<void> {
    await this.refresh().catch((error) =>
      this.deps.logger.warn({ err: error }, 'could not read subscribers'),
    );
    const tick = () => {
      void this.refresh()
        .catch((error) => this.deps.logger.warn({ err: error }, 'could not read subscribers'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, REFRESH_MS);
        });
    };
    this.timer = setTimeout(tick, REFRESH_MS);
  }

  /** Subscriber ids with a running lane (tests and metrics). */
  running(): string[] {
    return [...this.lanes.keys()];
  }

  refresh(): Promise<void> {
    this.refreshing ??= this.sync().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async sync(): Promise<void> {
    const rows = await this.deps.db.rows<{ id: string; url: string; rate_limit: number | null }>(sql`
      select id, url, rate_limit from subscribers where enabled and deleted_at is null`);
    if (this.stopped) return;
    const wanted = new Map<string, LaneConfig>();
    for (const row of rows) {
      const origin = originOf(row.url);
      if (origin) wanted.set(row.id, { id: row.id, origin, rateLimit: row.rate_limit });
    }
    for (const [id, lane] of this.lanes) {
      const config = wanted.get(id);
      if (!config || !sameConfig(config, lane.config)) this.stopLane(id, lane);
    }
    for (const [id, config] of wanted) {
      if (!this.lanes.has(id)) this.lanes.set(id, this.startLane(config));
    }
  }

  private startLane(config: LaneConfig): Lane {
    const { deps } = this;
    const pool = new Pool(config.origin, {
      connections: deps.concurrency,
      pipelining: 1,
      keepAliveTimeout: 30_000,
    });
    const connection = createWorkerConnection(deps.redisUrl);
    connection.on('error', () => {}); // surfaced through the worker's own 'error' event
    const target = { origin: config.origin, dispatcher: pool };
    const worker = new Worker(
      deliveryQueueName(config.id),
      async (job: Job) => {
        const work = deps.handle(deliveryJobSchema.parse(job.data), target, job.id);
        this.inFlight.add(work);
        try {
          await work;
        } finally {
          this.inFlight.delete(work);
        }
      },
      {
        connection,
        prefix: deps.prefix,
        concurrency: deps.concurrency,
        lockDuration: deps.lockDurationMs,
        stalledInterval: Math.min(deps.lockDurationMs, 30_000),
        maxStalledCount: 5,
        ...(config.rateLimit ? { limiter: { max: config.rateLimit, duration: RATE_WINDOW_MS } } : {}),
      },
    );
    const log = deps.logger.child({ subscriberId: config.id });
    worker.on('failed', (job, error) =>
      log.error({ err: error, jobId: job?.id }, 'delivery job failed; the reconciler will retry it'),
    );
    worker.on('error', (error) => log.warn({ err: error }, 'delivery worker connection error'));
    log.debug({ origin: config.origin, rateLimit: config.rateLimit }, 'delivery lane started');
    return { config, worker, pool, connection };
  }

  /** Stops taking jobs for the lane; its jobs in flight finish in the background. */
  private stopLane(id: string, lane: Lane): void {
    this.lanes.delete(id);
    const done = (async () => {
      await lane.worker.close().catch(() => {});
      lane.connection.disconnect();
      await lane.pool.close().catch(() => {});
    })();
    this.closing.add(done);
    void done.finally(() => this.closing.delete(done));
  }

  /** Lets in-flight jobs finish for up to `graceMs`, then forces the rest and drops the connections. */
  async close(graceMs: number): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.refreshing?.catch(() => {});
    const lanes = [...this.lanes.values()];
    this.lanes.clear();
    const closing = Promise.all(lanes.map((lane) => lane.worker.close())).catch(() => {});
    await Promise.race([Promise.allSettled([...this.inFlight]), delay(graceMs)]);
    await Promise.race([closing, delay(1000)]);
    for (const lane of lanes) lane.connection.disconnect();
    await Promise.race([
      Promise.all(lanes.map((lane) => lane.worker.close(true).catch(() => {}))),
      delay(1000),
    ]);
    await Promise.race([Promise.all(lanes.map((lane) => lane.pool.destroy().catch(() => {}))), delay(1000)]);
    await Promise.race([Promise.allSettled([...this.closing]), delay(1000)]);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
