// The delivery state machine in PostgreSQL. A claim takes a lease and a fresh claim token (at most
// one claim per delivery at a time, whichever worker holds a job for it) and loads everything the
// attempt needs in the same statement. Recording the attempt is one statement too, and only the
// claim that made the attempt may record it: if its lease ever ran out and another worker claimed
// the delivery, the late record is discarded instead of counting the attempt twice.
//
// Both statements take many deliveries at once (group commit, see src/db/group-commit.ts).
import { sql } from 'drizzle-orm';
import { type DbHandle, INDEX_LOOKUPS } from '../db/client';
import { IS_PENDING } from '../db/predicates';

export interface ClaimedDelivery {
  id: string;
  claimToken: string;
  attemptCount: number;
  eventId: string;
  eventType: string;
  eventReceivedAt: Date;
  eventBody: string;
  paymentKey: string | null;
  subscriberId: string;
  url: string;
  format: 'event' | 'raw';
  ordered: boolean;
  headers: Record<string, string>;
  subscriberActive: boolean;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  rawBody: Buffer | null;
  rawContentType: string | null;
}

interface ClaimRow extends Record<string, unknown> {
  id: string;
  claim_token: string;
  attempt_count: number;
  event_id: string;
  event_type: string;
  event_received_at: Date | string;
  event_body: string;
  payment_key: string | null;
  subscriber_id: string;
  url: string;
  format: string;
  ordering: string;
  headers: Record<string, string> | string | null;
  active: boolean;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | string | null;
  raw_body: Buffer | Uint8Array | null;
  raw_content_type: string | null;
}

// The claim, record and wake statements join a batch of ids to deliveries and events. As ordinary
// prepared statements their generic plan was fixed while those tables were small (a fresh
// database; no ANALYZE has run yet), e.g. a sequential scan of deliveries per batch, and kept once
// the tables had grown: the bench's (d) row read 32 million deliveries rows in a minute that way.
// They run as index lookups (see QueryOptions.indexLookups) whatever the tables' size was when
// the plan was made.

const toDate = (value: Date | string | null) => (value === null ? null : new Date(value));

const FREE = '(d.lease_until is null or d.lease_until < now())';

// $1 delivery ids, $2 the attempt_count each job expects, $3 lease (ms), $4 how long a held
// delivery waits before it is looked at again if no wake-up comes (ms).
//
// `held`: a delivery to an ordered subscriber whose payment has an earlier delivery to it still
// pending is not attempted; it is woken when that one settles (see wakeSuccessors).
// The check is spelled so its cost cannot grow with the table: it names `s` (so it runs only for
// rows of ordered subscribers, after that filter) and `offset 0` keeps each exists a nested
// lookup, the payment's earlier events by (payment_key, id), then each one's delivery by
// (event_id, subscriber_id). Without statistics the planner otherwise read every delivery of the
// subscriber for every claimed row, ordered or not (the claim was most of PostgreSQL's CPU).
const CLAIM = `
  with input as (select * from unnest($1::text[], $2::int[]) as t(id, attempt)),
  held as (
    update deliveries d
    set next_attempt_at = now() + $4 * interval '1 millisecond', updated_at = now()
    from input, events e, subscribers s
    where d.id = input.id and d.attempt_count = input.attempt and ${IS_PENDING.replace('status', 'd.status')}
      and ${FREE} and e.id = d.event_id and s.id = d.subscriber_id
      and s.ordering = 'transaction' and e.payment_key is not null
      and exists (
        select 1 from events pe
        where pe.payment_key = e.payment_key and pe.id < e.id
          and exists (
            select 1 from deliveries p
            where p.event_id = pe.id and p.subscriber_id = s.id and (p.status || '') = 'pending'
            offset 0)
        offset 0)
    returning d.id),
  claimed as (
    update deliveries d
    set lease_until = now() + $3 * interval '1 millisecond', claim_token = gen_random_uuid()::text,
        updated_at = now()
    from input
    where d.id = input.id and d.attempt_count = input.attempt and ${IS_PENDING.replace('status', 'd.status')}
      and ${FREE} and d.id not in (select id from held)
    returning d.id, d.event_id, d.subscriber_id, d.attempt_count, d.claim_token)
  select claimed.id, claimed.claim_token, claimed.attempt_count, e.id as event_id, e.type as event_type,
         e.received_at as event_received_at, e.body as event_body, e.payment_key,
         s.id as subscriber_id, s.url, s.format, s.ordering, s.headers,
         (s.enabled and s.deleted_at is null) as active, s.secret, s.previous_secret,
         s.previous_secret_expires_at,
         case when s.format = 'raw' then m.raw_body end as raw_body,
         case when s.format = 'raw' then m.content_type end as raw_content_type
  from claimed
  join events e on e.id = claimed.event_id
  join subscribers s on s.id = claimed.subscriber_id
  left join inbound_messages m on m.id = e.message_id`;

/** The subscriber's columns an attempt is sent and signed with, as a claim reads them. */
export interface SubscriberColumns {
  url: string;
  format: string;
  headers: Record<string, string> | string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | string | null;
}

export function subscriberFields(row: SubscriberColumns) {
  const headers = typeof row.headers === 'string' ? JSON.parse(row.headers) : row.headers;
  return {
    url: row.url,
    format: row.format === 'raw' ? ('raw' as const) : ('event' as const),
    headers: (headers ?? {}) as Record<string, string>,
    secret: row.secret,
    previousSecret: row.previous_secret,
    previousSecretExpiresAt: toDate(row.previous_secret_expires_at),
  };
}

function toClaimed(row: ClaimRow): ClaimedDelivery {
  return {
    id: row.id,
    claimToken: row.claim_token,
    attemptCount: row.attempt_count,
    eventId: row.event_id,
    eventType: row.event_type,
    eventReceivedAt: new Date(row.event_received_at),
    eventBody: row.event_body,
    paymentKey: row.payment_key,
    subscriberId: row.subscriber_id,
    ...subscriberFields(row),
    ordered: row.ordering === 'transaction',
    subscriberActive: row.active,
    rawBody: row.raw_body === null ? null : Buffer.from(row.raw_body),
    rawContentType: row.raw_content_type,
  };
}

export interface ClaimRequest {
  deliveryId: string;
  /** attempt_count the job expects; a stale job claims nothing. */
  attempt: number;
}

export interface ClaimTimings {
  leaseMs: number;
  /** A held (ordered) delivery is looked at again after this long if nothing woke it. */
  recheckMs: number;
}

/** Claims each requested delivery; null where there is nothing to attempt (stale, in flight, held). */
export async function claimDeliveries(
  handle: DbHandle,
  requests: ClaimRequest[],
  timings: ClaimTimings,
): Promise<Array<ClaimedDelivery | null>> {
  const rows = await handle.query<ClaimRow>(
    CLAIM,
    [
      requests.map((request) => request.deliveryId),
      requests.map((request) => request.attempt),
      timings.leaseMs,
      timings.recheckMs,
    ],
    INDEX_LOOKUPS,
  );
  const byId = new Map(rows.map((row) => [row.id, toClaimed(row)]));
  // A job for the same delivery twice in one batch: the first one gets the claim.
  return requests.map((request) => {
    const claimed = byId.get(request.deliveryId) ?? null;
    byId.delete(request.deliveryId);
    return claimed;
  });
}

export interface AttemptRecord {
  deliveryId: string;
  subscriberId: string;
  claimToken: string;
  number: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseBody: string | null;
  trigger: 'scheduled' | 'manual';
  /** Why the attempt failed (`HTTP 500`, `timeout after 15000 ms`), kept on the delivery. */
  failure: string | null;
  /** The delivery's state after this attempt. */
  outcome: 'succeeded' | 'failed' | 'pending';
  nextAttemptAt: Date | null;
  /** With alerts configured, the id of the `delivery.exhausted` alert when outcome is failed. */
  exhaustedAlertId: string | null;
  eventId: string;
}

// Attempts arrive as one JSON array, so any number of them is recorded in one statement. Besides
// the attempt and the delivery's next state, it keeps the subscriber's health: the start and
// length of its current run of failures. A healthy subscriber's row is written only when it
// leaves a failing run (or an alert about it is open), so successes cost no extra write.
// $2 repeats the delivery ids as an array: the planner cannot tell how many rows the JSON holds
// (it guesses 100) and, with a young table, found hashing a sequential scan of deliveries cheaper
// than 100 index lookups; an array's length it knows, so the ids are looked up by index.
const RECORD_ATTEMPTS = `
  with input as (
    select * from jsonb_to_recordset($1::jsonb)
      as t(delivery_id text, subscriber_id text, claim_token text, number int, started_at timestamptz,
           duration_ms int, status_code int, error text, response_body text, trigger text, failure text,
           outcome text, next_attempt_at timestamptz, alert_id text, event_id text)),
  updated as (
    update deliveries d
    set attempt_count = input.number, status = input.outcome, next_attempt_at = input.next_attempt_at,
        lease_until = null, claim_token = null, last_status_code = input.status_code,
        last_error = input.failure,
        succeeded_at = case when input.outcome = 'succeeded' then now() else d.succeeded_at end,
        updated_at = now()
    from input
    where d.id = any($2::text[])
      and d.id = input.delivery_id and d.claim_token = input.claim_token and d.attempt_count = input.number - 1
    returning d.id),
  recorded as (select input.* from input join updated on updated.id = input.delivery_id),
  attempts as (
    insert into delivery_attempts
      (delivery_id, number, started_at, duration_ms, status_code, error, response_body, trigger)
    select delivery_id, number, started_at, duration_ms, status_code, error, response_body, trigger
    from recorded
    on conflict (delivery_id, number) do nothing),
  health as (
    select subscriber_id, bool_or(failure is null) as any_success,
           count(*) filter (where failure is not null) as failures,
           min(started_at) filter (where failure is not null) as first_failure
    from recorded group by subscriber_id),
  subscriber_health as (
    update subscribers s
    set failing_since = case when h.any_success then null else coalesce(s.failing_since, h.first_failure) end,
        failing_attempts = case when h.any_success then 0 else s.failing_attempts + h.failures end,
        last_success_at = case when h.any_success then now() else s.last_success_at end
    from health h
    where s.id = h.subscriber_id
      and (not h.any_success or s.failing_since is not null or s.alert_state is not null)),
  exhausted as (
    insert into alerts (id, type, data)
    select alert_id, 'delivery.exhausted',
           jsonb_build_object('subscriber_id', subscriber_id, 'delivery_id', delivery_id, 'event_id', event_id,
                              'attempts', number, 'last_error', failure)
    from recorded where outcome = 'failed' and alert_id is not null)
  select id from updated`;

/**
 * Records attempts and moves their deliveries on; releases the leases. Returns, per attempt,
 * whether it was recorded (false: its claim had been taken over, so the attempt is discarded).
 */
export async function recordAttempts(handle: DbHandle, attempts: AttemptRecord[]): Promise<boolean[]> {
  if (attempts.length === 0) return [];
  const rows = attempts.map((attempt) => ({
    delivery_id: attempt.deliveryId,
    subscriber_id: attempt.subscriberId,
    claim_token: attempt.claimToken,
    number: attempt.number,
    started_at: attempt.startedAt.toISOString(),
    duration_ms: attempt.durationMs,
    status_code: attempt.statusCode,
    error: attempt.error,
    // PostgreSQL text cannot hold NUL; a subscriber's binary answer is kept without it.
    response_body: attempt.responseBody?.replaceAll('\u0000', '') ?? null,
    trigger: attempt.trigger,
    failure: attempt.failure,
    outcome: attempt.outcome,
    next_attempt_at: attempt.nextAttemptAt?.toISOString() ?? null,
    alert_id: attempt.exhaustedAlertId,
    event_id: attempt.eventId,
  }));
  const recorded = await handle.query<{ id: string }>(
    RECORD_ATTEMPTS,
    [JSON.stringify(rows), rows.map((row) => row.delivery_id)],
    INDEX_LOOKUPS,
  );
  const ids = new Set(recorded.map((row) => row.id));
  return attempts.map((attempt) => ids.has(attempt.deliveryId));
}

export interface WokenDelivery extends Record<string, unknown> {
  id: string;
  subscriber_id: string;
  attempt_count: number;
}

// For each settled delivery of an ordered subscriber: the next pending delivery of the same payment
// to the same subscriber is due now.
const WAKE_SUCCESSORS = `
  with done as (
    select d.subscriber_id, e.payment_key, e.id as event_id
    from deliveries d join events e on e.id = d.event_id
    where d.id = any($1::text[]) and e.payment_key is not null),
  next as (
    select distinct on (done.subscriber_id, done.payment_key) nd.id
    from done
    join events ne on ne.payment_key = done.payment_key and ne.id > done.event_id
    join deliveries nd on nd.event_id = ne.id and nd.subscriber_id = done.subscriber_id
    where (nd.status || '') = 'pending'
    order by done.subscriber_id, done.payment_key, ne.id)
  update deliveries d set next_attempt_at = now(), updated_at = now()
  from next
  where d.id = next.id
  returning d.id, d.subscriber_id, d.attempt_count`;

/** The deliveries that may go now that these (of ordered subscribers) have settled. */
export function wakeSuccessors(handle: DbHandle, settledIds: string[]): Promise<WokenDelivery[]> {
  if (settledIds.length === 0) return Promise.resolve([]);
  return handle.query<WokenDelivery>(WAKE_SUCCESSORS, [settledIds], INDEX_LOOKUPS);
}

/** A delivery whose subscriber was disabled or removed: parked as failed, no attempt made. */
export async function parkDelivery(handle: DbHandle, deliveryId: string, reason: string): Promise<void> {
  await handle.rows(sql`
    update deliveries
    set status = 'failed', next_attempt_at = null, lease_until = null, claim_token = null,
        last_error = ${reason}, updated_at = now()
    where id = ${deliveryId} and ${sql.raw(IS_PENDING)}`);
}

export const PARKED_REASON = 'subscriber is disabled or removed; recover or retry after enabling it';

/** Every pending delivery of a subscriber that was just disabled, except attempts in flight. */
export async function parkSubscriberDeliveries(handle: DbHandle, subscriberId: string): Promise<number> {
  const rows = await handle.rows<{ id: string }>(sql`
    update deliveries
    set status = 'failed', next_attempt_at = null, last_error = ${PARKED_REASON}, updated_at = now()
    where subscriber_id = ${subscriberId} and status = 'pending'
      and (lease_until is null or lease_until < now())
    returning id`);
  return rows.length;
}
