// Writes inbound messages, their events and the event's deliveries, each case in ONE statement
// (one PostgreSQL round trip on the ingest path). Idempotency is the unique index on
// events (provider, idempotency_key): concurrent copies of a notification race on it, one wins.
import { type SQL, sql } from 'drizzle-orm';
import type { DbHandle, QueryOptions } from '../db/client';
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

const timestamp = (date: Date) => sql`${date.toISOString()}::timestamptz`;

function messageColumns(record: InboundRecord) {
  return {
    id: sql`${record.id}`,
    provider: sql`${record.provider}`,
    kind: sql`${record.kind}`,
    receivedAt: timestamp(record.receivedAt),
    contentType: sql`${record.contentType}`,
    headers: sql`${JSON.stringify(record.headers)}::jsonb`,
    remoteAddr: sql`${record.remoteAddr}`,
    rawBody: sql`${record.rawBody}::bytea`,
  };
}

/** A message that produced no event: rejected, malformed or oversized. */
export async function storeRejected(
  handle: DbHandle,
  record: InboundRecord,
  reason: string,
  idempotencyKey: string | null,
  options?: QueryOptions,
): Promise<StoreResult> {
  const m = messageColumns(record);
  await handle.rows(
    sql`
    insert into inbound_messages
      (id, provider, kind, received_at, status, reason, content_type, headers, remote_addr, raw_body, idempotency_key)
    values (${m.id}, ${m.provider}, ${m.kind}, ${m.receivedAt}, 'rejected', ${reason}, ${m.contentType},
            ${m.headers}, ${m.remoteAddr}, ${m.rawBody}, ${idempotencyKey})`,
    options,
  );
  return { status: 'rejected', eventId: null, deliveryIds: [] };
}

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
  const m = messageColumns(record);
  const [row] = await handle.rows<{ status: MessageStatus; event_id: string | null }>(
    sql`
    insert into inbound_messages
      (id, provider, kind, received_at, status, reason, content_type, headers, remote_addr, raw_body,
       idempotency_key, event_id, next_verify_at)
    select ${m.id}, ${m.provider}, ${m.kind}, ${m.receivedAt},
           case when existing.id is null then 'pending' else 'duplicate' end,
           case when existing.id is null then null else 'resend of an already verified notification' end,
           ${m.contentType}, ${m.headers}, ${m.remoteAddr}, ${m.rawBody}, ${idempotencyKey}, existing.id,
           case when existing.id is null then now() else null end
    from (select 1) as one
    left join events existing on existing.provider = ${record.provider} and existing.idempotency_key = ${idempotencyKey}
    returning status, event_id`,
    options,
  );
  if (!row) throw new Error('insert returned no row');
  return { status: row.status, eventId: row.event_id, deliveryIds: [] };
}

function eventInsert(provider: string, messageId: string, receivedAt: Date, event: NewEvent): SQL {
  return sql`
    insert into events
      (id, provider, type, idempotency_key, livemode, occurred_at, received_at, message_id, transaction_id, order_id, body)
    values (${event.id}, ${provider}, ${event.type}, ${event.idempotencyKey}, ${event.livemode},
            ${timestamp(event.occurredAt)}, ${timestamp(receivedAt)}, ${messageId}, ${event.transactionId},
            ${event.orderId}, ${event.body})
    on conflict (provider, idempotency_key) do update set idempotency_key = excluded.idempotency_key
    returning id, (xmax = 0) as inserted`;
}

/** Outbox: one pending delivery per enabled subscriber whose filters match, only for a new event. */
function deliveriesInsert(provider: string, eventType: string): SQL {
  const ids = Array.from({ length: PREALLOCATED_DELIVERY_IDS }, () => sql`${newId('dlv')}`);
  return sql`
    insert into deliveries (id, event_id, subscriber_id, status, attempt_count, next_attempt_at)
    select coalesce((array[${sql.join(ids, sql`, `)}]::text[])[matched.position],
                    'dlv_' || replace(gen_random_uuid()::text, '-', '')),
           new_event.id, matched.id, 'pending', 0, now()
    from new_event
    cross join lateral (
      select s.id, row_number() over (order by s.id) as position
      from subscribers s
      where s.enabled and s.deleted_at is null
        and (cardinality(s.providers) = 0 or ${provider} = any(s.providers))
        and (cardinality(s.event_types) = 0 or exists (
          select 1 from unnest(s.event_types) as filter(pattern)
          where filter.pattern = ${eventType} or filter.pattern = '*'
             or (right(filter.pattern, 2) = '.*' and starts_with(${eventType}, left(filter.pattern, -1)))))
    ) as matched
    where new_event.inserted
    returning id`;
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

/** A message verified on arrival: message, event (unless a duplicate) and deliveries together. */
export async function storeAccepted(
  handle: DbHandle,
  record: InboundRecord,
  event: NewEvent,
  options?: QueryOptions,
): Promise<StoreResult> {
  const m = messageColumns(record);
  const rows = await handle.rows<EventStoreRow>(
    sql`
    with new_event as (${eventInsert(record.provider, record.id, record.receivedAt, event)}),
    new_message as (
      insert into inbound_messages
        (id, provider, kind, received_at, status, reason, content_type, headers, remote_addr, raw_body,
         idempotency_key, event_id)
      select ${m.id}, ${m.provider}, ${m.kind}, ${m.receivedAt},
             case when new_event.inserted then 'verified' else 'duplicate' end,
             case when new_event.inserted then null else 'resend of an already accepted notification' end,
             ${m.contentType}, ${m.headers}, ${m.remoteAddr}, ${m.rawBody}, ${event.idempotencyKey}, new_event.id
      from new_event
      returning status, event_id),
    new_deliveries as (${deliveriesInsert(record.provider, event.type)})
    select new_message.status, new_message.event_id,
           (select array_agg(id) from new_deliveries) as delivery_ids
    from new_message`,
    options,
  );
  return toStoreResult(rows[0]);
}

/** A deferred message came back genuine: its event (unless a duplicate) and deliveries. */
export async function recordVerified(
  handle: DbHandle,
  message: { id: string; provider: string; receivedAt: Date },
  event: NewEvent,
): Promise<StoreResult> {
  const rows = await handle.rows<EventStoreRow>(sql`
    with new_event as (${eventInsert(message.provider, message.id, message.receivedAt, event)}),
    updated_message as (
      update inbound_messages
      set status = case when new_event.inserted then 'verified' else 'duplicate' end,
          reason = case when new_event.inserted then null else 'resend of an already verified notification' end,
          event_id = new_event.id, next_verify_at = null, verify_error = null, updated_at = now()
      from new_event
      where inbound_messages.id = ${message.id}
      returning inbound_messages.status, inbound_messages.event_id),
    new_deliveries as (${deliveriesInsert(message.provider, event.type)})
    select updated_message.status, updated_message.event_id,
           (select array_agg(id) from new_deliveries) as delivery_ids
    from updated_message`);
  return toStoreResult(rows[0]);
}

/** Final outcome of a deferred check that produced no event (invalid, or rejected after verification). */
export async function settleWithoutEvent(
  handle: DbHandle,
  messageId: string,
  status: 'invalid' | 'rejected',
  reason: string,
): Promise<void> {
  await handle.rows(sql`
    update inbound_messages
    set status = ${status}, reason = ${reason}, next_verify_at = null, updated_at = now()
    where id = ${messageId} and status = 'pending'`);
}

/** A verification attempt that got no verdict; the next one is due at `nextAt`. */
export async function scheduleVerifyRetry(
  handle: DbHandle,
  messageId: string,
  attempts: number,
  nextAt: Date,
  error: string,
): Promise<void> {
  await handle.rows(sql`
    update inbound_messages
    set verify_attempts = ${attempts}, next_verify_at = ${timestamp(nextAt)}, verify_error = ${error},
        updated_at = now()
    where id = ${messageId} and status = 'pending'`);
}
