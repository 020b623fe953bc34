// PostgreSQL is the source of truth; Redis only schedules. Periodically re-enqueue work whose time
// has come and gone (Redis was down, restarted without persistence, or flushed). Job ids are
// deterministic, so re-adding a job that still exists is a no-op.
//
// At scale: one worker process at a time reconciles (a transaction-scoped advisory lock; the
// others skip the pass), and it walks the overdue deliveries in keyset pages over the due index,
// enqueueing each page before reading the next, so 100,000 lost jobs come back in one pass
// without every process reading and enqueueing the same rows.
import { sql } from 'drizzle-orm';
import type { DbHandle } from '../db/client';
import { PARKED_REASON } from '../delivery/delivery-store';
import type { Logger } from '../logger';
import { PeriodicTask } from '../periodic-task';
import type { JobDispatcher } from './dispatcher';
import { deliveryJob, verifyJob } from './jobs';

const FLUSH_WAIT_MS = 10_000;
// Arbitrary constant naming the lock; distinct from the migration and subscriber-limit locks.
const RECONCILE_LOCK_ID = 727_274_613;
const PAGE_SIZE = 2000;
const MAX_PAGES_PER_PASS = 200;

export interface ReconcilerDeps {
  db: DbHandle;
  dispatcher: JobDispatcher;
  logger: Logger;
  intervalMs: number;
  /** How long past its due time work may wait before it counts as lost. */
  overdueAfterMs: number;
  batchSize?: number;
}

interface OverdueRow extends Record<string, unknown> {
  id: string;
  subscriber_id: string;
  attempt_count: number;
  due: string;
}

type Executor = { execute(query: ReturnType<typeof sql>): Promise<unknown> };

// postgres.js answers an array of rows, PGlite an object with `rows`.
async function rowsOf<T>(tx: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await tx.execute(query)) as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

export class Reconciler {
  private running: Promise<number> | null = null;
  private readonly task: PeriodicTask;

  constructor(private readonly deps: ReconcilerDeps) {
    this.task = new PeriodicTask(
      deps.intervalMs,
      () => this.runOnce(),
      (error) => deps.logger.warn({ err: error }, 'reconcile pass failed'),
    );
  }

  /**
   * The first pass runs at start: a worker is often started (or restarted) right after the
   * outage that lost the jobs, and the overdue work need not wait one more interval for it.
   */
  start(): void {
    this.task.start({ immediately: true });
  }

  async stop(): Promise<void> {
    await this.task.stop();
    // A pass asked for directly (runOnce) may still be running.
    await this.running?.catch(() => 0);
  }

  /** One pass; returns how many jobs it re-enqueued (0 when another process holds the pass). */
  runOnce(): Promise<number> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private flush(): Promise<unknown> {
    // Bounded: a Redis that accepts connections but never answers must not stall every later pass.
    return Promise.race([
      this.deps.dispatcher.flush(),
      new Promise((resolve) => setTimeout(resolve, FLUSH_WAIT_MS)),
    ]);
  }

  /**
   * Runs a pass inside a transaction holding the reconcile lock. Embedded PGlite serves one
   * process only, and a transaction there would hold every other query while Redis answers:
   * it runs without one.
   */
  private exclusive(pass: (tx: Executor) => Promise<number>): Promise<number> {
    const { db } = this.deps;
    if (db.kind === 'pglite') return pass({ execute: (query) => db.rows(query) });
    return db.db.transaction(async (tx) => {
      const [lock] = await rowsOf<{ locked: boolean }>(
        tx,
        sql`select pg_try_advisory_xact_lock(${RECONCILE_LOCK_ID}) as locked`,
      );
      return lock?.locked ? pass(tx) : 0;
    });
  }

  private pass(): Promise<number> {
    const { dispatcher, overdueAfterMs } = this.deps;
    const limit = this.deps.batchSize ?? 500;
    const cutoff = new Date(Date.now() - overdueAfterMs).toISOString();
    return this.exclusive(async (tx) => {
      const verifications = await rowsOf<{ id: string; verify_attempts: number }>(
        tx,
        sql`select id, verify_attempts from inbound_messages
            where status = 'pending' and next_verify_at < ${cutoff}::timestamptz
              and (verify_claimed_until is null or verify_claimed_until < now())
            order by next_verify_at limit ${limit}`,
      );
      dispatcher.enqueue(verifications.map((row) => verifyJob(row.id, row.verify_attempts)));

      // A disabled or removed subscriber has no lane to run its jobs: its leftovers are parked.
      await tx.execute(sql`
        update deliveries d
        set status = 'failed', next_attempt_at = null, last_error = ${PARKED_REASON}, updated_at = now()
        from subscribers s
        where s.id = d.subscriber_id and not (s.enabled and s.deleted_at is null)
          and d.status = 'pending' and d.next_attempt_at < ${cutoff}::timestamptz
          and (d.lease_until is null or d.lease_until < now())`);

      let deliveries = 0;
      let after: { due: string; id: string } | null = null;
      for (let page = 0; page < MAX_PAGES_PER_PASS; page++) {
        const keyset: ReturnType<typeof sql> = after
          ? sql`and (next_attempt_at, id) > (${after.due}::timestamptz, ${after.id})`
          : sql``;
        const rows: OverdueRow[] = await rowsOf<OverdueRow>(
          tx,
          sql`select id, subscriber_id, attempt_count, next_attempt_at::text as due from deliveries
              where status = 'pending' and next_attempt_at < ${cutoff}::timestamptz ${keyset}
                and (lease_until is null or lease_until < now())
              order by next_attempt_at, id limit ${PAGE_SIZE}`,
        );
        dispatcher.enqueue(
          rows.map((row) =>
            deliveryJob({ id: row.id, subscriberId: row.subscriber_id }, row.attempt_count, 'scheduled'),
          ),
        );
        await this.flush();
        deliveries += rows.length;
        const last = rows.at(-1);
        if (!last || rows.length < PAGE_SIZE) break;
        after = { due: last.due, id: last.id };
      }
      await this.flush();
      const total = verifications.length + deliveries;
      if (total > 0) {
        this.deps.logger.info(
          { verifications: verifications.length, deliveries },
          're-enqueued overdue work',
        );
      }
      return total;
    });
  }
}
