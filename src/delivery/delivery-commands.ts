// Operator commands on deliveries. Protocol shared with the delivery worker: a retry makes the
// delivery pending and due now in one statement (never while a lease says an attempt is in
// flight), then enqueues a job carrying the attempt_count it found; the worker's claim only
// succeeds for that count, so a stale or duplicate job does nothing.
import { sql } from 'drizzle-orm';
import { encodeTime } from 'ulid';
import type { DbHandle } from '../db/client';
import { subscriberMatches } from '../ingest/outbox-sql';
import type { JobDispatcher } from '../queue/dispatcher';
import { deliveryJob } from '../queue/jobs';

export interface DeliveryCommandDeps {
  db: DbHandle;
  dispatcher: JobDispatcher;
}

export type RetryOutcome =
  | { outcome: 'queued'; attempt: number }
  | { outcome: 'not_found' }
  | { outcome: 'in_flight' };

/** Most deliveries one bulk retry touches; call again for the rest (retried ones are no longer failed). */
export const BULK_RETRY_LIMIT = 1000;

interface RetriedRow extends Record<string, unknown> {
  id: string;
  subscriber_id: string;
  attempt_count: number;
}

const toRef = (row: RetriedRow) => ({ id: row.id, subscriberId: row.subscriber_id });

export async function retryDelivery(deps: DeliveryCommandDeps, deliveryId: string): Promise<RetryOutcome> {
  const [row] = await deps.db.rows<RetriedRow>(sql`
    update deliveries
    set status = 'pending', next_attempt_at = now(), updated_at = now()
    where id = ${deliveryId} and (lease_until is null or lease_until < now())
    returning id, subscriber_id, attempt_count`);
  if (row) {
    deps.dispatcher.enqueue([deliveryJob(toRef(row), row.attempt_count, 'manual')]);
    return { outcome: 'queued', attempt: row.attempt_count };
  }
  const [existing] = await deps.db.rows<{ id: string }>(
    sql`select id from deliveries where id = ${deliveryId}`,
  );
  return existing ? { outcome: 'in_flight' } : { outcome: 'not_found' };
}

export interface BulkRetryRequest {
  subscriberId: string;
  /** Deliveries that failed (last changed) at or after this time... */
  since: Date;
  /** ...and before this one, when given. */
  until?: Date | undefined;
}

/** Retries the oldest failed deliveries of one subscriber in the window, up to BULK_RETRY_LIMIT. */
export async function retryFailedDeliveries(
  deps: DeliveryCommandDeps,
  request: BulkRetryRequest,
): Promise<string[]> {
  const until = request.until ? sql`and updated_at < ${request.until.toISOString()}::timestamptz` : sql``;
  const rows = await deps.db.rows<RetriedRow>(sql`
    update deliveries
    set status = 'pending', next_attempt_at = now(), updated_at = now()
    where id in (
      select id from deliveries
      where subscriber_id = ${request.subscriberId} and status = 'failed'
        and updated_at >= ${request.since.toISOString()}::timestamptz ${until}
        and (lease_until is null or lease_until < now())
      order by id
      limit ${BULK_RETRY_LIMIT}
      for update skip locked)
    and status = 'failed'
    returning id, subscriber_id, attempt_count`);
  deps.dispatcher.enqueue(rows.map((row) => deliveryJob(toRef(row), row.attempt_count, 'manual')));
  return rows.map((row) => row.id).sort();
}

// An event is created when its message is verified, within days of its receipt (providers stop
// resending after about four). Event ids are ULIDs, so this bounds the scan to a range of the
// primary key.
const VERIFY_WINDOW_MS = 5 * 24 * 3_600_000;

export interface RecoverRequest {
  subscriberId: string;
  since: Date;
  until?: Date | undefined;
}

interface RecoveredRow extends RetriedRow {
  trigger: 'scheduled' | 'manual';
}

/**
 * Every event received in the window that matches the subscriber's filters (superseded events are
 * never delivered) and that it has no
 * succeeded delivery for is delivered to it again, same event id, queued in received order: a
 * delivery is created where there is none (the event came while the subscriber was disabled, or
 * before it existed), a failed one is retried, a pending one is left alone. Returns how many.
 */
export async function recoverDeliveries(deps: DeliveryCommandDeps, request: RecoverRequest): Promise<number> {
  const subscriber = request.subscriberId;
  const lowId = `evt_${encodeTime(request.since.getTime(), 10)}`;
  const upper = request.until
    ? sql`and e.id < ${`evt_${encodeTime(request.until.getTime() + VERIFY_WINDOW_MS, 10)}`}
          and e.received_at < ${request.until.toISOString()}::timestamptz`
    : sql``;
  const rows = await deps.db.rows<RecoveredRow>(sql`
    with wanted as (
      select e.id, e.received_at from events e, subscribers s
      where s.id = ${subscriber} and e.id >= ${lowId} and not e.superseded
        and e.received_at >= ${request.since.toISOString()}::timestamptz ${upper}
        and ${sql.raw(subscriberMatches('s', 'e'))}),
    created as (
      insert into deliveries (id, event_id, subscriber_id, status, attempt_count, next_attempt_at)
      select 'dlv_' || substr(w.id, 5) || '_' || substr(${subscriber}, 5), w.id, ${subscriber}, 'pending', 0, now()
      from wanted w
      where not exists (select 1 from deliveries d where d.event_id = w.id and d.subscriber_id = ${subscriber})
      on conflict (event_id, subscriber_id) do nothing
      returning id, event_id, subscriber_id, attempt_count),
    retried as (
      update deliveries d
      set status = 'pending', next_attempt_at = now(), updated_at = now()
      from wanted w
      where d.event_id = w.id and d.subscriber_id = ${subscriber} and d.status = 'failed'
        and (d.lease_until is null or d.lease_until < now())
      returning d.id, d.event_id, d.subscriber_id, d.attempt_count)
    select r.id, r.subscriber_id, r.attempt_count, r.trigger
    from (select *, 'scheduled' as trigger from created union all select *, 'manual' as trigger from retried) r
    join wanted w on w.id = r.event_id
    order by w.received_at, w.id`);
  deps.dispatcher.enqueue(rows.map((row) => deliveryJob(toRef(row), row.attempt_count, row.trigger)));
  return rows.length;
}
