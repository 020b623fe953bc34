// Writes inbound messages, their events and the event's deliveries, each case in ONE statement
// (one PostgreSQL round trip on the ingest path). Idempotency is the unique index on
// events (provider, idempotency_key): concurrent copies of a notification race on it, one wins.
// The statements are fixed text with positional parameters: prepared once per connection, and
// nothing is built per request.
import type { DbHandle, QueryOptions } from '../db/client';
import { IS_PENDING } from '../db/predicates';
import { newId } from '../ids';

export type MessageStatus = 'pending' | 'verified' | 'invalid' | 'rejected' | 'duplicate';

export interface InboundRecord {
  id: string;
  provider: string;
  kind: string;
  receivedAt: Date;
  contentType: string | null;
  headers: Record<string, string>;
  remoteAddr: string | null;
  rawBody: Buffer;
}

export interface NewEvent {
  id: string;
  type: string;
  idempotencyKey: string;
  livemode: boolean;
  occurredAt: Date;
  transactionId: string | null;
  orderId: string | null;
  body: string;
}

export interface StoreResult {
  status: MessageStatus;
  eventId: string | null;
  deliveryIds: string[];
}

// More than the four enabled subscribers allowed, so the SQL fallback id is only a safety net.
const PREALLOCATED_DELIVERY_IDS = 8;

/** $1..$8: the message columns, in this order. */
function messageParams(record: InboundRecord): unknown[] {
  return [
    record.id,
    record.provider,
    record.kind,
    record.receivedAt.toISOString(),
    record.contentType,
    JSON.stringify(record.headers),
    record.remoteAddr,
    record.rawBody,
  ];
}

const INSERT_REJECTED = `
  insert into inbound_messages
    (id, provider, kind, received_at, content_type, headers, remote_addr, raw_body, status, reason,
     idempotency_key)
  values ($1, $2, $3, $4::timestamptz, $5, $6::jsonb, $7, $8::bytea, 'rejected', $9, $10)`;

/** A message that produced no event: rejected, malformed or oversized. */
export async function storeRejected(
  handle: DbHandle,
  record: InboundRecord,
  reason: string,
  idempotencyKey: string | null,
  options?: QueryOptions,
): Promise<StoreResult> {
  await handle.query(INSERT_REJECTED, [...messageParams(record), reason, idempotencyKey], options);
  return { status: 'rejected', eventId: null, deliveryIds: [] };
}

const INSERT_DEFERRED = `
  insert into inbound_messages
    (id, provider, kind, received_at, content_type, headers, remote_addr, raw_body, idempotency_key,
     status, reason, event_id, next_verify_at)
  select $1, $2, $3, $4::timestamptz, $5, $6::jsonb, $7, $8::bytea, $9,
         case when existing.id is null then 'pending' else 'duplicate' end,
         case when existing.id is null then null else 'resend of an already verified notification' end,
         existing.id,
         case when existing.id is null then now() else null end
  from (select 1) as one
  left join events existing on existing.provider = $2 and existing.idempotency_key = $9
  returning status, event_id`;

/**
 * A message that needs an out-of-band check before it can become an event. If the event it would
 * make already exists it is a resend: stored as duplicate and never verified again.
 */
export async function storeDeferred(
  handle: DbHandle,
  record: InboundRecord,
  idempotencyKey: string,
  options?: QueryOptions,
): Promise<StoreResult> {
  const [row] = await handle.query<{ status: MessageStatus; event_id: string | null }>(
    INSERT_DEFERRED,
    [...messageParams(record), idempotencyKey],
    options,
  );
  if (!row) throw new Error('insert returned no row');
  return { status: row.status, eventId: row.event_id, deliveryIds: [] };
}

// The event and its outbox, shared by both ways an event comes to exist. Its parameters start at
// $base: event id, type, idempotency key, livemode, occurred_at, received_at, message id,
// transaction id, order id, body, provider, preallocated delivery ids (built once, at load).
function eventAndDeliveries(base: number): string {
  const p = (offset: number) => `$${base + offset}`;
  return `
  new_event as (
    insert into events
      (id, type, idempotency_key, livemode, occurred_at, received_at, message_id, transaction_id,
       order_id, body, provider)
    values (${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}::timestamptz, ${p(5)}::timestamptz, ${p(6)}, ${p(7)},
            ${p(8)}, ${p(9)}, ${p(10)})
    on conflict (provider, idempotency_key) do update set idempotency_key = excluded.idempotency_key
    returning id, (xmax = 0) as inserted),
  new_deliveries as (
    insert into deliveries (id, event_id, subscriber_id, status, attempt_count, next_attempt_at)
    select coalesce((${p(11)}::text[])[matched.position], 'dlv_' || replace(gen_random_uuid()::text, '-', '')),
           new_event.id, matched.id, 'pending', 0, now()
    from new_event
    cross join lateral (
      select s.id, row_number() over (order by s.id) as position
      from subscribers s
      where s.enabled and s.deleted_at is null
        and (cardinality(s.providers) = 0 or ${p(10)} = any(s.providers))
        and (cardinality(s.event_types) = 0 or exists (
          select 1 from unnest(s.event_types) as filter(pattern)
          where filter.pattern = ${p(1)} or filter.pattern = '*'
             or (right(filter.pattern, 2) = '.*' and starts_with(${p(1)}, left(filter.pattern, -1)))))
    ) as matched
    where new_event.inserted
    returning id)`;
}

function eventParams(provider: string, messageId: string, receivedAt: Date, event: NewEvent): unknown[] {
  const deliveryIds = Array.from({ length: PREALLOCATED_DELIVERY_IDS }, () => newId('dlv'));
  return [
    event.id,
    event.type,
    event.idempotencyKey,
    event.livemode,
    event.occurredAt.toISOString(),
    receivedAt.toISOString(),
    messageId,
    event.transactionId,
    event.orderId,
    event.body,
    provider,
    deliveryIds,
  ];
}

interface EventStoreRow extends Record<string, unknown> {
  status: MessageStatus;
  event_id: string;
  delivery_ids: string[] | null;
}

function toStoreResult(row: EventStoreRow | undefined): StoreResult {
  if (!row) throw new Error('statement returned no row');
  return { status: row.status, eventId: row.event_id, deliveryIds: row.delivery_ids ?? [] };
}

// $1..$8 the message, $9.. the event.
const INSERT_ACCEPTED = `
  with ${eventAndDeliveries(9)},
  new_message as (
    insert into inbound_messages
      (id, provider, kind, received_at, content_type, headers, remote_addr, raw_body, idempotency_key,
       status, reason, event_id)
    select $1, $2, $3, $4::timestamptz, $5, $6::jsonb, $7, $8::bytea, $11,
           case when new_event.inserted then 'verified' else 'duplicate' end,
           case when new_event.inserted then null else 'resend of an already accepted notification' end,
           new_event.id
    from new_event
    returning status, event_id)
  select new_message.status, new_message.event_id,
         (select array_agg(id) from new_deliveries) as delivery_ids
  from new_message`;

/** A message verified on arrival: message, event (unless a duplicate) and deliveries together. */
export async function storeAccepted(
  handle: DbHandle,
  record: InboundRecord,
  event: NewEvent,
  options?: QueryOptions,
): Promise<StoreResult> {
  const params = [
    ...messageParams(record),
    ...eventParams(record.provider, record.id, record.receivedAt, event),
  ];
  return toStoreResult((await handle.query<EventStoreRow>(INSERT_ACCEPTED, params, options))[0]);
}

// $1 the message id, $2.. the event.
const RECORD_VERIFIED = `
  with ${eventAndDeliveries(2)},
  updated_message as (
    update inbound_messages
    set status = case when new_event.inserted then 'verified' else 'duplicate' end,
        reason = case when new_event.inserted then null else 'resend of an already verified notification' end,
        event_id = new_event.id, next_verify_at = null, verify_error = null, updated_at = now()
    from new_event
    where inbound_messages.id = $1
    returning inbound_messages.status, inbound_messages.event_id)
  select updated_message.status, updated_message.event_id,
         (select array_agg(id) from new_deliveries) as delivery_ids
  from updated_message`;

/** A deferred message came back genuine: its event (unless a duplicate) and deliveries. */
export async function recordVerified(
  handle: DbHandle,
  message: { id: string; provider: string; receivedAt: Date },
  event: NewEvent,
): Promise<StoreResult> {
  const params = [message.id, ...eventParams(message.provider, message.id, message.receivedAt, event)];
  return toStoreResult((await handle.query<EventStoreRow>(RECORD_VERIFIED, params))[0]);
}

const SETTLE_WITHOUT_EVENT = `
  update inbound_messages
  set status = $2, reason = $3, next_verify_at = null, updated_at = now()
  where id = $1 and ${IS_PENDING}`;

/** Final outcome of a deferred check that produced no event (invalid, or rejected after verification). */
export async function settleWithoutEvent(
  handle: DbHandle,
  messageId: string,
  status: 'invalid' | 'rejected',
  reason: string,
): Promise<void> {
  await handle.query(SETTLE_WITHOUT_EVENT, [messageId, status, reason]);
}

const SCHEDULE_VERIFY_RETRY = `
  update inbound_messages
  set verify_attempts = $2, next_verify_at = $3::timestamptz, verify_error = $4, updated_at = now()
  where id = $1 and ${IS_PENDING}`;

/** A verification attempt that got no verdict; the next one is due at `nextAt`. */
export async function scheduleVerifyRetry(
  handle: DbHandle,
  messageId: string,
  attempts: number,
  nextAt: Date,
  error: string,
): Promise<void> {
  await handle.query(SCHEDULE_VERIFY_RETRY, [messageId, attempts, nextAt.toISOString(), error]);
}
