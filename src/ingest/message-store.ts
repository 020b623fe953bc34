// Writes besides ingest's batches: rejections, and the outcomes of out-of-band checks (each genuine
// message's event and outbox, several messages per statement). Ingest's accepted and deferred messages go through batched-store.ts.
// Idempotency is the unique index on events (provider, idempotency_key). The statements are
// fixed text with positional parameters: prepared once per connection, built once.
import { type DbHandle, INDEX_LOOKUPS, type QueryOptions } from '../db/client';
import { joinPacked, packColumn } from '../db/packed-column';
import { IS_PENDING } from '../db/predicates';
import type { ClaimedDelivery } from '../delivery/delivery-store';
import type { PaymentFacts } from '../payments/payment-facts';
import { PAYMENT_INPUT_COLUMNS, paymentCtes, paymentInput } from '../payments/payment-sql';
import { outboxInsert } from './outbox-sql';

export type MessageStatus = 'pending' | 'verified' | 'invalid' | 'rejected' | 'duplicate';

export interface InboundRecord {
  id: string;
  provider: string;
  account: string;
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
  account: string;
  idempotencyKey: string;
  livemode: boolean;
  occurredAt: Date;
  transactionId: string | null;
  orderId: string | null;
  /** provider:account:transaction, for ordered delivery (src/events/payment-key.ts). */
  paymentKey: string | null;
  body: string;
  /** The payment it belongs to, if any. */
  payment: PaymentFacts | null;
}

/** A delivery row the outbox created, with the subscriber whose queue gets its job. */
export interface NewDelivery {
  id: string;
  subscriberId: string;
  /** Inserted already claimed for this process's lane (see src/delivery/preclaim.ts). */
  claimed?: ClaimedDelivery;
}

export interface StoreResult {
  status: MessageStatus;
  eventId: string | null;
  deliveries: NewDelivery[];
}

/** `array_agg` of delivery ids and of their subscribers, zipped back together. */
export function zipDeliveries(ids: string[] | null | undefined, subscriberIds: string[] | null | undefined) {
  return (ids ?? []).map((id, index) => ({ id, subscriberId: subscriberIds?.[index] ?? '' }));
}

/** $1..$9: the message columns, in this order. */
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
    record.account,
  ];
}

const INSERT_REJECTED = `
  insert into inbound_messages
    (id, provider, kind, received_at, content_type, headers, remote_addr, raw_body, account, status, reason,
     idempotency_key)
  values ($1, $2, $3, $4::timestamptz, $5, $6::jsonb, $7, $8::bytea, $9, 'rejected', $10, $11)`;

/** A message that produced no event: rejected, malformed or oversized. */
export async function storeRejected(
  handle: DbHandle,
  record: InboundRecord,
  reason: string,
  idempotencyKey: string | null,
  options?: QueryOptions,
): Promise<StoreResult> {
  await handle.query(INSERT_REJECTED, [...messageParams(record), reason, idempotencyKey], options);
  return { status: 'rejected', eventId: null, deliveries: [] };
}

interface EventStoreRow extends Record<string, unknown> {
  status: MessageStatus;
  event_id: string;
  delivery_ids: string[] | null;
  delivery_subscribers: string[] | null;
}

function toStoreResult(row: EventStoreRow | undefined): StoreResult {
  if (!row) throw new Error('statement returned no row');
  return {
    status: row.status,
    eventId: row.event_id,
    deliveries: zipDeliveries(row.delivery_ids, row.delivery_subscribers),
  };
}

/** The event columns of a jsonb_to_recordset input, shared with batched-store.ts; the bodies are packed apart. */
export const EVENT_INPUT_COLUMNS = `event_id text, type text, livemode boolean, occurred_at timestamptz,
  transaction_id text, order_id text, payment_key text, ${PAYMENT_INPUT_COLUMNS}`;

export function eventInput(event: NewEvent): Record<string, unknown> {
  return {
    event_id: event.id,
    type: event.type,
    livemode: event.livemode,
    occurred_at: event.occurredAt.toISOString(),
    transaction_id: event.transactionId,
    order_id: event.orderId,
    payment_key: event.paymentKey,
    ...paymentInput(event.payment),
  };
}

// $1 a JSON array, one row per message: its id, provider, account, received_at, the event's
// account-scoped key, `leader` (the first of its key in the array: PostgreSQL cannot upsert one key
// twice in a statement) and the event (eventInput); $2 the event bodies, packed (packed-column.ts).
// Same payment and outbox SQL as the ingest batch; a message whose key already has an event (or a
// leader in the array) becomes a duplicate.
const RECORD_VERIFIED = `
  with input as (
    select t.*, packed.body
    from jsonb_to_recordset($1::jsonb) as t(ord int, message_id text, provider text, account text,
      received_at timestamptz, idempotency_key text, leader boolean, ${EVENT_INPUT_COLUMNS})
    ${joinPacked('packed', 't.ord', { body: '$2' })}),
  ${paymentCtes('input')},
  new_events as (
    insert into events
      (id, type, idempotency_key, livemode, occurred_at, received_at, message_id, transaction_id,
       order_id, body, provider, account, payment_transaction_id, superseded, payment_key)
    select input.event_id, input.type, input.idempotency_key, input.livemode, input.occurred_at, input.received_at,
           input.message_id, input.transaction_id, input.order_id, input.body, input.provider, input.account,
           input.pay_txn, coalesce(payment_decisions.superseded, false), input.payment_key
    from input left join payment_decisions on payment_decisions.ord = input.ord
    -- offset 0 keeps the check a lookup per row: as a join, a generic plan may read the whole index.
    where input.leader and exists (
      select 1 from inbound_messages m where m.id = input.message_id and (m.status || '') = 'pending' offset 0)
    on conflict (provider, idempotency_key) do update set idempotency_key = excluded.idempotency_key
    returning id, provider, account, idempotency_key, type, livemode, superseded, (xmax = 0) as inserted),
  new_deliveries as (${outboxInsert('new_events')}),
  updated_messages as (
    update inbound_messages
    set status = case when input.leader and new_events.inserted then 'verified' else 'duplicate' end,
        reason = case when input.leader and new_events.inserted then null
                      else 'resend of an already verified notification' end,
        event_id = new_events.id, next_verify_at = null, verify_error = null, updated_at = now()
    from input
    join new_events on new_events.provider = input.provider and new_events.idempotency_key = input.idempotency_key
    -- Only a message still pending: a second check of the same message running at the same time
    -- (its first-check group job and a reconciler job) must not turn it into a duplicate.
    where inbound_messages.id = input.message_id and (inbound_messages.status || '') = 'pending'
    returning inbound_messages.id, inbound_messages.status, inbound_messages.event_id)
  select updated_messages.id, updated_messages.status, updated_messages.event_id,
         case when updated_messages.status = 'verified'
              then (select array_agg(d.id order by d.id) from new_deliveries d
                    where d.event_id = updated_messages.event_id)
         end as delivery_ids,
         case when updated_messages.status = 'verified'
              then (select array_agg(d.subscriber_id order by d.id) from new_deliveries d
                    where d.event_id = updated_messages.event_id)
         end as delivery_subscribers
  from updated_messages`;

export interface VerifiedItem {
  message: { id: string; provider: string; account: string; receivedAt: Date };
  event: NewEvent;
}

interface VerifiedRow extends EventStoreRow {
  id: string;
}

/**
 * Deferred messages that came back genuine, in one statement: each gets its event (unless a
 * duplicate) and deliveries. The verify worker batches the verdicts of jobs finishing together.
 */
export async function recordVerifiedBatch(
  handle: DbHandle,
  items: VerifiedItem[],
): Promise<Array<StoreResult | null>> {
  // One row per message: a job run twice at once for the same message shares one result.
  const unique = new Map<string, VerifiedItem>();
  for (const item of items) if (!unique.has(item.message.id)) unique.set(item.message.id, item);
  const verified = [...unique.values()];
  const leaders = new Set<string>();
  const input = verified.map(({ message, event }, ord) => {
    const key = `${message.provider}\u0000${event.idempotencyKey}`;
    const leader = !leaders.has(key);
    leaders.add(key);
    return {
      ord,
      message_id: message.id,
      provider: message.provider,
      account: message.account,
      received_at: message.receivedAt.toISOString(),
      idempotency_key: event.idempotencyKey,
      leader,
      ...eventInput(event),
    };
  });
  // Index lookups: as a cached generic plan from a young table it read every inbound message per
  // call (the PayPal ingest bench: 3.6 million rows in 10 s).
  const bodies = packColumn(verified.map(({ event }) => event.body));
  const rows = await handle.query<VerifiedRow>(
    RECORD_VERIFIED,
    [JSON.stringify(input), bodies],
    INDEX_LOOKUPS,
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  // null: no such message, or it was no longer pending (settled by another check).
  return items.map(({ message }) => {
    const row = byId.get(message.id);
    return row ? toStoreResult(row) : null;
  });
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
  set verify_attempts = $2, next_verify_at = $3::timestamptz, verify_error = $4, verify_claimed_until = null,
      updated_at = now()
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
