// Enqueues without ever making a caller wait on Redis: jobs are collected and flushed together
// (one addBulk per queue per tick). A failed flush is only logged; the reconciler finds the rows.
import type { Queue } from 'bullmq';
import type { Logger } from '../logger';
import type { QueuedJob, QueueKey } from './jobs';

export class JobDispatcher {
  private pending: { [K in QueueKey]: QueuedJob<unknown>[] } = { verify: [], delivery: [] };
  private scheduled = false;
  private inFlight = new Set<Promise<void>>();
  private lastWarnAt = 0;

  constructor(
    private readonly queues: { [K in QueueKey]: Queue },
    private readonly logger: Logger,
  ) {}

  enqueue(queue: QueueKey, jobs: QueuedJob<unknown>[]): void {
    if (jobs.length === 0) return;
    this.pending[queue].push(...jobs);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Sends everything collected so far; resolves when Redis answered (or failed). */
  flush(): Promise<void> {
    this.scheduled = false;
    const batches = (Object.keys(this.pending) as QueueKey[]).map((key) => {
      const jobs = this.pending[key];
      this.pending[key] = [];
      return jobs.length === 0 ? Promise.resolve() : this.send(key, jobs);
    });
    const done = Promise.all(batches).then(() => undefined);
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
    return done;
  }

  private async send(key: QueueKey, jobs: QueuedJob<unknown>[]): Promise<void> {
    try {
      await this.queues[key].addBulk(jobs.map((job) => ({ name: job.name, data: job.data, opts: job.opts })));
    } catch (error) {
      const now = Date.now();
      if (now - this.lastWarnAt > 10_000) {
        this.lastWarnAt = now;
        this.logger.warn(
          { err: error, queue: key, jobs: jobs.length },
          'could not enqueue jobs; they stay in PostgreSQL and the reconciler will enqueue them',
        );
      }
    }
  }

  async drain(): Promise<void> {
    if (this.scheduled) await this.flush();
    await Promise.all([...this.inFlight]);
  }
}
