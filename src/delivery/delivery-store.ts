// The delivery state machine in PostgreSQL. A claim takes a lease (at most one attempt in flight
// per delivery, whichever worker holds the job) and loads everything the attempt needs in the
// same statement; recording the attempt and the delivery's next state is one statement too.
import { sql } from 'drizzle-orm';
import type { DbHandle } from '../db/client';

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

export async function claimDelivery(
  handle: DbHandle,
  deliveryId: string,
  expectedAttemptCount: number,
  leaseMs: number,
): Promise<ClaimedDelivery | null> {
  const [row] = await handle.rows<ClaimRow>(sql`
    with claimed as (
      update deliveries
      set lease_until = now() + ${leaseMs} * interval '1 millisecond', updated_at = now()
      where id = ${deliveryId} and status = 'pending' and attempt_count = ${expectedAttemptCount}
        and (lease_until is null or lease_until < now())
      returning id, event_id, subscriber_id, attempt_count
    )
    select claimed.id, claimed.attempt_count, e.id as event_id, e.type as event_type,
           e.received_at as event_received_at, e.body as event_body, s.id as subscriber_id, s.url, s.format,
           (s.enabled and s.deleted_at is null) as active, s.secret, s.previous_secret,
           s.previous_secret_expires_at,
           case when s.format = 'raw' then m.raw_body end as raw_body,
           case when s.format = 'raw' then m.content_type end as raw_content_type
    from claimed
    join events e on e.id = claimed.event_id
    join subscribers s on s.id = claimed.subscriber_id
    left join inbound_messages m on m.id = e.message_id`);
  if (!row) return null;
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

/** Records one attempt and moves the delivery on; releases the lease. */
export async function recordAttempt(handle: DbHandle, attempt: AttemptRecord): Promise<void> {
  const nextAt = attempt.nextAttemptAt ? attempt.nextAttemptAt.toISOString() : null;
  await handle.rows(sql`
    with attempt as (
      insert into delivery_attempts
        (delivery_id, number, started_at, duration_ms, status_code, error, response_body, trigger)
      values (${attempt.deliveryId}, ${attempt.number}, ${attempt.startedAt.toISOString()}::timestamptz,
              ${attempt.durationMs}, ${attempt.statusCode}, ${attempt.error}, ${attempt.responseBody}, ${attempt.trigger})
      on conflict (delivery_id, number) do nothing
    )
    update deliveries
    set attempt_count = ${attempt.number}, status = ${attempt.outcome}, next_attempt_at = ${nextAt}::timestamptz,
        lease_until = null, last_status_code = ${attempt.statusCode}, last_error = ${attempt.failure},
        succeeded_at = case when ${attempt.outcome} = 'succeeded' then now() else succeeded_at end,
        updated_at = now()
    where id = ${attempt.deliveryId} and attempt_count = ${attempt.number - 1}`);
}

/** A delivery whose subscriber was disabled or removed: parked as failed, no attempt made. */
export async function parkDelivery(handle: DbHandle, deliveryId: string, reason: string): Promise<void> {
  await handle.rows(sql`
    update deliveries
    set status = 'failed', next_attempt_at = null, lease_until = null, last_error = ${reason}, updated_at = now()
    where id = ${deliveryId} and status = 'pending'`);
}
