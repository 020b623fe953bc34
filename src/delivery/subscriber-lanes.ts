// Isolation by construction: every enabled subscriber gets its own lane in each worker process,
// made of its own BullMQ queue and Worker (its own concurrency and, with `rate_limit`, BullMQ's
// limiter, which is kept in Redis and so holds across processes) and its own undici Pool with as
// many connections as the Worker runs jobs. A subscriber that hangs fills only its own slots and
// connections; a request never waits for a connection, so DELIVERY_TIMEOUT counts from sending.
//
// A lane's jobs carry one delivery or, for first attempts created together, a group of them (see
// first-deliveries.ts). Every delivery waits for one of the lane's `concurrency` slots before it
// is claimed, so the pool still has a connection for each request in flight. A rate-limited lane
// splits a group into single jobs: BullMQ's limiter counts jobs.
//
// In a process that also stores the events (ROLE=all), first attempts are handed to the lane
// directly (`offer`) instead of through Redis: the rows are already in PostgreSQL, so a process
// that dies with deliveries still waiting leaves them pending, and the reconciler enqueues them
// as it does after a Redis loss. A lane takes at most LOCAL_BACKLOG such deliveries waiting for a
// slot; past that (a slow subscriber), and for rate-limited lanes, they go through its queue.
// Most of them arrive already claimed by the ingest statement (`preclaim`, see preclaim.ts); a
// lane that goes away before starting them gives their claims back before enqueuing them, and one
// that has waited for a slot for half the lease gives the claim back and claims it afresh.
//
// Lanes follow the subscribers table: it is read every second, and a lane starts, stops or is
// rebuilt (new origin or rate limit) to match.
import { type Job, Worker } from 'bullmq';
import { sql } from 'drizzle-orm';
import pLimit, { type LimitFunction } from 'p-limit';
import { Pool } from 'undici';
import type { DbHandle } from '../db/client';
import type { NewDelivery } from '../ingest/message-store';
import type { Logger } from '../logger';
import {
  type DeliveryJob,
  type DeliveryRef,
  deliveryBatchJobSchema,
  deliveryJobSchema,
  deliveryQueueName,
  firstAttempt,
  firstAttemptJobs,
  type QueuedJob,
} from '../queue/jobs';
import { createWorkerConnection, type RedisConnection } from '../queue/redis';
import { type ClaimedDelivery, type SubscriberColumns, subscriberFields } from './delivery-store';
import type { LanePool } from './delivery-worker';
import type { LeaseSubscriber, Preclaim } from './preclaim';

const REFRESH_MS = 1000;
const EAGER_REFRESH_MS = 100;
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
  handle(job: DeliveryJob, pool: LanePool, jobId?: string): Promise<void>;
  /** Attempts a first attempt the ingest statement already claimed (no pool: the lane is gone). */
  attempt(delivery: ClaimedDelivery, pool: LanePool | null): Promise<void>;
  /** Gives back claims that will not be attempted here. */
  release(claims: ClaimedDelivery[]): Promise<void>;
  /** Enqueues jobs (a rate-limited lane's share of a group, as single jobs). */
  enqueue(jobs: QueuedJob<unknown>[]): void;
  /** Deliveries `offer` may leave waiting per lane (default LOCAL_BACKLOG). */
  localBacklog?: number;
}

interface LaneConfig {
  id: string;
  origin: string;
  rateLimit: number | null;
  ordered: boolean;
  /** The row as last read, for preclaimed deliveries. */
  subscriber: LeaseSubscriber;
}

interface SubscriberRow extends SubscriberColumns, Record<string, unknown> {
  id: string;
  version: string;
  rate_limit: number | null;
  ordering: string;
}

function leaseSubscriber(row: SubscriberRow): LeaseSubscriber {
  return { id: row.id, version: row.version, ...subscriberFields(row) };
}

interface Lane {
  config: LaneConfig;
  worker: Worker;
  pool: Pool;
  connection: RedisConnection;
  slots: LimitFunction;
  target: LanePool;
  /** First attempts handed over by `offer` that have not started yet, with their claims. */
  waiting: Map<string, ClaimedDelivery | null>;
}

/** Deliveries handed to a lane in memory and not yet started, at most. */
export const LOCAL_BACKLOG = 1000;

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
  private lastEagerRefresh = Number.NEGATIVE_INFINITY;
  private eagerTimer: NodeJS.Timeout | null = null;

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

  /**
   * A delivery for a subscriber with no lane yet (just created): read the table now rather than
   * at the next tick, at most every EAGER_REFRESH_MS.
   */
  private refreshSoon(): void {
    if (this.stopped || this.eagerTimer) return;
    const wait = Math.max(0, this.lastEagerRefresh + EAGER_REFRESH_MS - performance.now());
    this.eagerTimer = setTimeout(() => {
      this.eagerTimer = null;
      this.lastEagerRefresh = performance.now();
      if (this.stopped) return;
      void this.refresh().catch((error) =>
        this.deps.logger.warn({ err: error }, 'could not read subscribers'),
      );
    }, wait);
  }

  refresh(): Promise<void> {
    this.refreshing ??= this.sync().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async sync(): Promise<void> {
    const rows = await this.deps.db.rows<SubscriberRow>(sql`
      select id, xmin::text as version, url, rate_limit, ordering, format, headers, secret, previous_secret,
             previous_secret_expires_at
      from subscribers where enabled and deleted_at is null`);
    if (this.stopped) return;
    const wanted = new Map<string, LaneConfig>();
    for (const row of rows) {
      const origin = originOf(row.url);
      if (origin)
        wanted.set(row.id, {
          id: row.id,
          origin,
          rateLimit: row.rate_limit,
          ordered: row.ordering === 'transaction',
          subscriber: leaseSubscriber(row),
        });
    }
    for (const [id, lane] of this.lanes) {
      const config = wanted.get(id);
      if (!config || !sameConfig(config, lane.config)) this.stopLane(id, lane);
      else lane.config = config;
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
    const slots = pLimit(deps.concurrency);
    const waiting = new Map<string, ClaimedDelivery | null>();
    const worker = new Worker(
      deliveryQueueName(config.id),
      async (job: Job) => {
        const work = this.run(job, config.id, config.rateLimit, slots, target);
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
    return { config, worker, pool, connection, slots, target, waiting };
  }

  /**
   * Subscribers whose first attempts the next ingest statement may claim for this process: those
   * with a lane here that `offer` will take (not rate-limited, backlog not full), and not ordered.
   */
  preclaim(): Preclaim | null {
    if (this.stopped) return null;
    const subscribers = new Map<string, LeaseSubscriber>();
    for (const [id, lane] of this.lanes) {
      if (!lane.config.rateLimit && !lane.config.ordered && lane.waiting.size < this.backlog)
        subscribers.set(id, lane.config.subscriber);
    }
    return subscribers.size > 0 ? { subscribers, leaseMs: this.deps.lockDurationMs } : null;
  }

  private get backlog(): number {
    return this.deps.localBacklog ?? LOCAL_BACKLOG;
  }

  /**
   * Starts the first attempts of deliveries in their subscribers' lanes, without a job. Returns
   * the deliveries it did not take (no lane here, rate-limited, or the lane's backlog is full),
   * which the caller enqueues. Preclaimed deliveries are always taken: their lane was checked
   * just before they were claimed for it (and if it has gone since, their claims are given back
   * and they are enqueued here).
   */
  offer(deliveries: readonly NewDelivery[]): DeliveryRef[] {
    const rest: DeliveryRef[] = [];
    const orphans: ClaimedDelivery[] = [];
    for (const delivery of deliveries) {
      const lane = this.stopped ? undefined : this.lanes.get(delivery.subscriberId);
      if (!lane) this.refreshSoon();
      const claimed = delivery.claimed ?? null;
      if (claimed && !lane) {
        orphans.push(claimed);
        continue;
      }
      if (!lane || (!claimed && (lane.config.rateLimit || lane.waiting.size >= this.backlog))) {
        rest.push({ id: delivery.id, subscriberId: delivery.subscriberId });
        continue;
      }
      lane.waiting.set(delivery.id, claimed);
      const offeredAt = performance.now();
      const work = lane
        .slots(async () => {
          if (!lane.waiting.delete(delivery.id)) return;
          if (!claimed) return this.deps.handle(firstAttempt(delivery.id), lane.target);
          if (performance.now() - offeredAt <= this.deps.lockDurationMs / 2)
            return this.deps.attempt(claimed, lane.target);
          // Waited behind a slow subscriber for half its lease: the lease might run out during the
          // attempt and the reconciler hand the delivery to someone else, so claim it afresh.
          await this.deps.release([claimed]);
          return this.deps.handle(firstAttempt(delivery.id), lane.target);
        })
        .catch((error) =>
          this.deps.logger.error(
            { err: error, deliveryId: delivery.id },
            'delivery failed; it stays pending and the reconciler will retry it',
          ),
        );
      this.track(work);
    }
    if (orphans.length > 0) this.releaseAndEnqueue(orphans);
    return rest;
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** Gives claims back, then enqueues their first attempts (a job could not claim them before). */
  private releaseAndEnqueue(claims: ClaimedDelivery[]): void {
    const bySubscriber = new Map<string, ClaimedDelivery[]>();
    for (const claim of claims) {
      const group = bySubscriber.get(claim.subscriberId);
      if (group) group.push(claim);
      else bySubscriber.set(claim.subscriberId, [claim]);
    }
    this.track(
      this.deps
        .release(claims)
        .then(() => {
          for (const [subscriberId, group] of bySubscriber)
            this.deps.enqueue(
              firstAttemptJobs(
                subscriberId,
                group.map((claim) => claim.id),
              ),
            );
        })
        .catch((error) =>
          this.deps.logger.warn(
            { err: error, deliveries: claims.length },
            'could not give back delivery claims; they are retried when their lease runs out',
          ),
        ),
    );
  }

  /** Hands a lane's not-yet-started local deliveries to its queue (the lane is going away). */
  private requeueWaiting(id: string, lane: Lane): void {
    const unclaimed: string[] = [];
    const claimed: ClaimedDelivery[] = [];
    for (const [deliveryId, claim] of lane.waiting) {
      if (claim) claimed.push(claim);
      else unclaimed.push(deliveryId);
    }
    lane.waiting.clear();
    if (unclaimed.length > 0) this.deps.enqueue(firstAttemptJobs(id, unclaimed));
    if (claimed.length > 0) this.releaseAndEnqueue(claimed);
  }

  private async run(
    job: Job,
    subscriberId: string,
    rateLimit: number | null,
    slots: LimitFunction,
    target: LanePool,
  ): Promise<void> {
    if (job.name !== 'deliver-batch') {
      await slots(() => this.deps.handle(deliveryJobSchema.parse(job.data), target, job.id));
      return;
    }
    const { deliveryIds } = deliveryBatchJobSchema.parse(job.data);
    if (rateLimit) {
      this.deps.enqueue(firstAttemptJobs(subscriberId, deliveryIds));
      return;
    }
    const results = await Promise.allSettled(
      deliveryIds.map((deliveryId) =>
        slots(() => this.deps.handle(firstAttempt(deliveryId), target, job.id)),
      ),
    );
    const failed = results.filter((result) => result.status === 'rejected');
    if (failed.length > 0) {
      // The failed ones are still pending in PostgreSQL; the reconciler enqueues them again.
      throw new Error(
        `${failed.length} of ${deliveryIds.length} deliveries failed; first: ${String(failed[0]?.reason)}`,
      );
    }
  }

  /** Stops taking jobs for the lane; its jobs in flight finish in the background. */
  private stopLane(id: string, lane: Lane): void {
    this.lanes.delete(id);
    this.requeueWaiting(id, lane);
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
    if (this.eagerTimer) clearTimeout(this.eagerTimer);
    await this.refreshing?.catch(() => {});
    const lanes = [...this.lanes.values()];
    for (const [id, lane] of this.lanes) this.requeueWaiting(id, lane);
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
