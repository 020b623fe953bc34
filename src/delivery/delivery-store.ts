// The delivery state machine in PostgreSQL. A claim takes a lease (at most one attempt in flight
// per delivery, whichever worker holds the job) and loads everything the attempt needs in the
// same statement; recording the attempt and the delivery's next state is one statement too.
import { sql } from 'drizzle-orm';
import type { DbHandle } from '../db/client';
import { IS_PENDING } from '../db/predicates';

export interface ClaimedDelivery {
  id: string;
  attemptCount: number;
  eventId: string;
  eventType: string;
  eventReceivedAt: Date;
  eventBody: string;
  subscriberId: string;
  url: string;
  format: 'event' | 'raw';
  subscriberActive: boolean;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  rawBody: Buffer | null;
  rawContentType: string | null;
}

interface ClaimRow extends Record<string, unknown> {
  id: string;
  attempt_count: number;
  event_id: string;
  event_type: string;
  event_received_at: Date | string;
  event_body: string;
  subscriber_id: string;
  url: string;
  format: string;
  active: boolean;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | string | null;
  raw_body: Buffer | Uint8Array | null;
  raw_content_type: string | null;
}

const toDate = (value: Date | string | null) => (value === null ? null : new Date(value));

// Everything one attempt needs, read in the same statement that takes the lease.
const CLAIMED_SELECT = `
  select claimed.id, claimed.attempt_count, e.id as event_id, e.type as event_type,
         e.received_at as event_received_at, e.body as event_body, s.id as subscriber_id, s.url, s.format,
         (s.enabled and s.deleted_at is null) as active, s.secret, s.previous_secret,
         s.previous_secret_expires_at,
         case when s.format = 'raw' then m.raw_body end as raw_body,
         case when s.format = 'raw' then m.content_type end as raw_content_type
  from claimed
  join events e on e.id = claimed.event_id
  join subscribers s on s.id = claimed.subscriber_id
  left join inbound_messages m on m.id = e.message_id`;

const LEASE = `lease_until = now() + $2 * interval '1 millisecond', updated_at = now()`;
const FREE = '(lease_until is null or lease_until < now())';

const CLAIM_ONE = `
  with claimed as (
    update deliveries set ${LEASE}
    where id = $1 and ${IS_PENDING} and attempt_count = $3 and ${FREE}
    returning id, event_id, subscriber_id, attempt_count)
  ${CLAIMED_SELECT}`;

// The first attempt of every delivery of new events, claimed together (one job per event, and
// the jobs running at the same moment share the statement).
const CLAIM_FIRST_OF_EVENTS = `
  with claimed as (
    update deliveries set ${LEASE}
    where event_id = any($1::text[]) and ${IS_PENDING} and attempt_count = 0 and ${FREE}
    returning id, event_id, subscriber_id, attempt_count)
  ${CLAIMED_SELECT}`;

function toClaimed(row: ClaimRow): ClaimedDelivery {
  return {
    id: row.id,
    attemptCount: row.attempt_count,
    eventId: row.event_id,
    eventType: row.event_type,
    eventReceivedAt: new Date(row.event_received_at),
    eventBody: row.event_body,
    subscriberId: row.subscriber_id,
    url: row.url,
    format: row.format === 'raw' ? 'raw' : 'event',
    subscriberActive: row.active,
    secret: row.secret,
    previousSecret: row.previous_secret,
    previousSecretExpiresAt: toDate(row.previous_secret_expires_at),
    rawBody: row.raw_body === null ? null : Buffer.from(row.raw_body),
    rawContentType: row.raw_content_type,
  };
}

export async function claimDelivery(
  handle: DbHandle,
  deliveryId: string,
  expectedAttemptCount: number,
  leaseMs: number,
): Promise<ClaimedDelivery | null> {
  const [row] = await handle.query<ClaimRow>(CLAIM_ONE, [deliveryId, leaseMs, expectedAttemptCount]);
  return row ? toClaimed(row) : null;
}

/** The claimed first attempts of each event, in the order of `eventIds`. */
export async function claimFirstAttempts(
  handle: DbHandle,
  eventIds: string[],
  leaseMs: number,
): Promise<ClaimedDelivery[][]> {
  const rows = await handle.query<ClaimRow>(CLAIM_FIRST_OF_EVENTS, [eventIds, leaseMs]);
  const byEvent = new Map<string, ClaimedDelivery[]>(eventIds.map((id) => [id, []]));
  for (const row of rows) byEvent.get(row.event_id)?.push(toClaimed(row));
  return eventIds.map((id) => byEvent.get(id) ?? []);
}

export interface AttemptRecord {
  deliveryId: string;
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
}

// Attempts arrive as one JSON array, so any number of them is recorded in one statement.
const RECORD_ATTEMPTS = `
  with input as (
    select * from jsonb_to_recordset($1::jsonb)
      as t(delivery_id text, number int, started_at timestamptz, duration_ms int, status_code int,
           error text, response_body text, trigger text, failure text, outcome text,
           next_attempt_at timestamptz)),
  attempts as (
    insert into delivery_attempts
      (delivery_id, number, started_at, duration_ms, status_code, error, response_body, trigger)
    select delivery_id, number, started_at, duration_ms, status_code, error, response_body, trigger from input
    on conflict (delivery_id, number) do nothing)
  update deliveries d
  set attempt_count = input.number, status = input.outcome, next_attempt_at = input.next_attempt_at,
      lease_until = null, last_status_code = input.status_code, last_error = input.failure,
      succeeded_at = case when input.outcome = 'succeeded' then now() else d.succeeded_at end,
      updated_at = now()
  from input
  where d.id = input.delivery_id and d.attempt_count = input.number - 1`;

/** Records attempts and moves their deliveries on; releases the leases. */
export async function recordAttempts(handle: DbHandle, attempts: AttemptRecord[]): Promise<void> {
  if (attempts.length === 0) return;
  const rows = attempts.map((attempt) => ({
    delivery_id: attempt.deliveryId,
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
  }));
  await handle.query(RECORD_ATTEMPTS, [JSON.stringify(rows)]);
}

/** A delivery whose subscriber was disabled or removed: parked as failed, no attempt made. */
export async function parkDelivery(handle: DbHandle, deliveryId: string, reason: string): Promise<void> {
  await handle.rows(sql`
    update deliveries
    set status = 'failed', next_attempt_at = null, lease_until = null, last_error = ${reason}, updated_at = now()
    where id = ${deliveryId} and ${sql.raw(IS_PENDING)}`);
}
