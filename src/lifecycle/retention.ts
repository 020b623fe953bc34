// Retention (docs/contract.md section 10): inbound messages, events, deliveries and attempts
// older than RETENTION are deleted in the background, a small batch per short transaction, so
// ingest never waits long:
// each batch holds row locks only on the rows it deletes, under a statement and lock timeout.
// Ids are time-ordered ULIDs, so "older than the cut-off" is a primary-key range: no extra index,
// and no index build on a large table in a migration. One batch at a time across processes
// (a transaction-scoped advisory lock); a process that finds it taken skips that pass.
import { sql } from 'drizzle-orm';
import { encodeTime } from 'ulid';
import type { DbHandle } from '../db/client';
import type { Logger } from '../logger';

// Arbitrary constant naming the lock; distinct from the migration and subscriber locks.
const RETENTION_LOCK_ID = 727_274_613;

export interface PruneCounts {
  messages: number;
  events: number;
  deliveries: number;
  attempts: number;
  sessions: number;
}

export interface RetentionOptions {
  db: DbHandle;
  logger: Logger;
  retentionMs: number;
  intervalMs: number;
  /** Events per batch (each with its deliveries and attempts); messages per batch is twice this. */
  batchSize?: number;
  /** Pause between batches, so pruning a backlog leaves the database room for everything else. */
  pauseMs?: number;
}

const EMPTY: PruneCounts = { messages: 0, events: 0, deliveries: 0, attempts: 0, sessions: 0 };

/** The smallest id of that prefix minted at `time`: every older id sorts below it. */
export function idCutoff(prefix: string, time: Date): string {
  return `${prefix}_${encodeTime(Math.max(0, time.getTime()), 10)}`;
}

const PRUNE_EVENTS = (cutoffId: string, cutoff: string, limit: number) => sql`
  with doomed as (
    select id from events where id < ${cutoffId} and received_at < ${cutoff}::timestamptz
    order by id limit ${limit} for update skip locked),
  doomed_deliveries as (select id from deliveries where event_id in (select id from doomed)),
  gone_attempts as (
    delete from delivery_attempts where delivery_id in (select id from doomed_deliveries) returning 1),
  gone_deliveries as (delete from deliveries where id in (select id from doomed_deliveries) returning 1),
  gone_events as (delete from events where id in (select id from doomed) returning 1)
  select (select count(*) from gone_events)::int as events,
         (select count(*) from gone_deliveries)::int as deliveries,
         (select count(*) from gone_attempts)::int as attempts`;

// A message is kept while its event is: the event's raw forwarding reads the message's bytes.
const PRUNE_MESSAGES = (cutoffId: string, cutoff: string, limit: number) => sql`
  with doomed as (
    select m.id from inbound_messages m
    where m.id < ${cutoffId} and m.received_at < ${cutoff}::timestamptz
      and (m.event_id is null or not exists (select 1 from events e where e.id = m.event_id))
    order by m.id limit ${limit} for update skip locked)
  delete from inbound_messages where id in (select id from doomed)`;

type Transaction = Parameters<Parameters<DbHandle['db']['transaction']>[0]>[0];

export class RetentionWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PruneCounts> | null = null;
  private stopped = false;
  private readonly batchSize: number;
  private readonly pauseMs: number;

  constructor(private readonly options: RetentionOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.pauseMs = options.pauseMs ?? 20;
  }

  /** A first pass soon after start, then one every interval. */
  start(): void {
    this.schedule(1_000);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(async () => {
      await this.runOnce().catch((error) =>
        this.options.logger.warn({ err: error }, 'retention pass failed; will try again'),
      );
      if (!this.stopped) this.schedule(this.options.intervalMs);
    }, delayMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => {});
  }

  /** Deletes everything older than the retention period, batch by batch; one pass at a time. */
  runOnce(now = new Date()): Promise<PruneCounts> {
    this.running ??= this.prune(now).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async prune(now: Date): Promise<PruneCounts> {
    const cutoffTime = new Date(now.getTime() - this.options.retentionMs);
    const cutoff = cutoffTime.toISOString();
    const total = { ...EMPTY };
    for (const table of ['events', 'messages'] as const) {
      while (!this.stopped) {
        const batch = await this.batch(async (tx) => {
          if (table === 'events') {
            const [row] = await rowsOf<{ events: number; deliveries: number; attempts: number }>(
              tx,
              PRUNE_EVENTS(idCutoff('evt', cutoffTime), cutoff, this.batchSize),
            );
            return row ?? { events: 0, deliveries: 0, attempts: 0 };
          }
          const deleted = await countOf(
            tx,
            PRUNE_MESSAGES(idCutoff('msg', cutoffTime), cutoff, this.batchSize * 2),
          );
          return { messages: deleted };
        });
        if (batch === null) return total; // another process is pruning right now
        const counts = { ...EMPTY, ...batch };
        for (const key of Object.keys(total) as Array<keyof PruneCounts>) total[key] += counts[key];
        if (counts.events === 0 && counts.messages === 0) break;
        await new Promise((resolve) => setTimeout(resolve, this.pauseMs));
      }
    }
    total.sessions = await countOf(
      this.options.db.db,
      sql`delete from dashboard_sessions where expires_at < now()`,
    );
    if (total.messages + total.events > 0)
      this.options.logger.info({ ...total, cutoff }, 'retention: pruned');
    return total;
  }

  /** One short transaction holding the cross-process lock; null when another holds it. */
  private batch<T>(work: (tx: Transaction) => Promise<T>): Promise<T | null> {
    return this.options.db.db.transaction(async (tx) => {
      const [lock] = await rowsOf<{ locked: boolean }>(
        tx,
        sql`select pg_try_advisory_xact_lock(${RETENTION_LOCK_ID}) as locked`,
      );
      if (!lock?.locked) return null;
      // Bounded: a batch that would wait on ingest or a delivery gives up and is tried again.
      await tx.execute(sql`set local statement_timeout = '5s'`);
      await tx.execute(sql`set local lock_timeout = '1s'`);
      return work(tx);
    });
  }
}

type Executor = Pick<Transaction, 'execute'>;

async function rowsOf<T>(executor: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await executor.execute(query)) as unknown as { rows?: T[] } | T[];
  return Array.isArray(result) ? result : (result.rows ?? []);
}

async function countOf(executor: Executor, query: ReturnType<typeof sql>): Promise<number> {
  const result = (await executor.execute(query)) as unknown as { count?: number; affectedRows?: number };
  return Number(result.count ?? result.affectedRows ?? 0);
}
