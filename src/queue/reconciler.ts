// PostgreSQL is the source of truth; Redis only schedules. Periodically re-enqueue work whose time
// has come and gone (Redis was down, restarted without persistence, or flushed). Job ids are
// deterministic, so re-adding a job that still exists is a no-op.
import { sql } from 'drizzle-orm';
import type { DbHandle } from '../db/client';
import type { Logger } from '../logger';
import type { JobDispatcher } from './dispatcher';
import { deliveryJob, verifyJob } from './jobs';

const FLUSH_WAIT_MS = 10_000;

export interface ReconcilerDeps {
  db: DbHandle;
  dispatcher: JobDispatcher;
  logger: Logger;
  intervalMs: number;
  /** How long past its due time work may wait before it counts as lost. */
  overdueAfterMs: number;
  batchSize?: number;
}

export class Reconciler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(private readonly deps: ReconcilerDeps) {}

  start(): void {
    const tick = () => {
      void this.runOnce()
        .catch((error) => this.deps.logger.warn({ err: error }, 'reconcile pass failed'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.deps.intervalMs);
        });
    };
    this.timer = setTimeout(tick, this.deps.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => 0);
  }

  /** One pass; returns how many jobs it re-enqueued. */
  runOnce(): Promise<number> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<number> {
    const { db, dispatcher, overdueAfterMs } = this.deps;
    const limit = this.deps.batchSize ?? 500;
    const cutoff = new Date(Date.now() - overdueAfterMs).toISOString();
    const verifications = await db.rows<{ id: string; verify_attempts: number }>(sql`
      select id, verify_attempts from inbound_messages
      where status = 'pending' and next_verify_at < ${cutoff}::timestamptz
      order by next_verify_at limit ${limit}`);
    const deliveries = await db.rows<{ id: string; attempt_count: number }>(sql`
      select id, attempt_count from deliveries
      where status = 'pending' and next_attempt_at < ${cutoff}::timestamptz
        and (lease_until is null or lease_until < now())
      order by next_attempt_at limit ${limit}`);
    dispatcher.enqueue(
      'verify',
      verifications.map((row) => verifyJob(row.id, row.verify_attempts)),
    );
    dispatcher.enqueue(
      'delivery',
      deliveries.map((row) => deliveryJob(row.id, row.attempt_count, 'scheduled')),
    );
    // Bounded: a Redis that accepts connections but never answers must not stall every later pass.
    await Promise.race([dispatcher.flush(), new Promise((resolve) => setTimeout(resolve, FLUSH_WAIT_MS))]);
    const total = verifications.length + deliveries.length;
    if (total > 0) {
      this.deps.logger.info(
        { verifications: verifications.length, deliveries: deliveries.length },
        're-enqueued overdue work',
      );
    }
    return total;
  }
}
