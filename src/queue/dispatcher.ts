// Enqueues without ever making a caller wait on Redis: jobs are collected and flushed together
// (one addBulk per queue per tick, in chunks). A failed flush is only logged; the reconciler finds
// the rows in PostgreSQL.
import { Queue } from 'bullmq';
import type { Logger } from '../logger';
import type { QueuedJob } from './jobs';
import type { RedisConnection } from './redis';

const CHUNK = 1000;

export class JobDispatcher {
  private pending = new Map<string, QueuedJob<unknown>[]>();
  private readonly queues = new Map<string, Queue>();
  private scheduled = false;
  private inFlight = new Set<Promise<void>>();
  private lastWarnAt = 0;

  constructor(
    private readonly connection: RedisConnection,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  /** The producer-side handle of a queue (created once, sharing the producer connection). */
  queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix });
      queue.on('error', () => {});
      this.queues.set(name, queue);
    }
    return queue;
  }

  enqueue(jobs: QueuedJob<unknown>[]): void {
    if (jobs.length === 0) return;
    for (const job of jobs) {
      const list = this.pending.get(job.queue);
      if (list) list.push(job);
      else this.pending.set(job.queue, [job]);
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Sends everything collected so far; resolves when Redis answered (or failed). */
  flush(): Promise<void> {
    this.scheduled = false;
    const pending = this.pending;
    this.pending = new Map();
    const done = Promise.all([...pending].map(([name, jobs]) => this.send(name, jobs))).then(() => undefined);
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
    return done;
  }

  private async send(name: string, jobs: QueuedJob<unknown>[]): Promise<void> {
    try {
      for (let start = 0; start < jobs.length; start += CHUNK) {
        await this.queue(name).addBulk(
          jobs.slice(start, start + CHUNK).map((job) => ({ name: job.name, data: job.data, opts: job.opts })),
        );
      }
    } catch (error) {
      const now = Date.now();
      if (now - this.lastWarnAt > 10_000) {
        this.lastWarnAt = now;
        this.logger.warn(
          { err: error, queue: name, jobs: jobs.length },
          'could not enqueue jobs; they stay in PostgreSQL and the reconciler will enqueue them',
        );
      }
    }
  }

  async drain(): Promise<void> {
    if (this.scheduled) await this.flush();
    await Promise.all([...this.inFlight]);
  }

  /** Closes every queue handle (not the shared connection). */
  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close().catch(() => {})));
  }
}
