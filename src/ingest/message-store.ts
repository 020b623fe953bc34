// Single-message writes: rejections, and the outcome of a PayPal postback (its event and outbox
// in one statement). Ingest's accepted and deferred messages go through batched-store.ts.
// Idempotency is the unique index on events (provider, idempotency_key). The statements are
// fixed text with positional parameters: prepared once per connection, built once.
import type { DbHandle, QueryOptions } from '../db/client';
import { IS_PENDING } from '../db/predicates';
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

/** The event columns of a jsonb_to_recordset input, shared with batched-store.ts. */
export const EVENT_INPUT_COLUMNS = `event_id text, type text, livemode boolean, occurred_at timestamptz,
  transaction_id text, order_id text, payment_key text, body text, ${PAYMENT_INPUT_COLUMNS}`;

export function eventInput(event: NewEvent): Record<string, unknown> {
  return {
    event_id: event.id,
    type: event.type,
    livemode: event.livemode,
    occurred_at: event.occurredAt.toISOString(),
    transaction_id: event.transactionId,
    order_id: event.orderId,
    payment_key: event.paymentKey,
    body: event.body,
    ...paymentInput(event.payment),
  };
}

// $1 the message id, $2 a one-row JSON array: the event (eventInput) with the message's provider,
// account and received_at. Same payment and outbox SQL as the ingest batch.
const RECORD_VERIFIED = `
  with input as (
    select *, 0 as ord, true as leader
    from jsonb_to_recordset($2::jsonb) as t(provider text, account text, received_at timestamptz,
      ${EVENT_INPUT_COLUMNS})),
  ${paymentCtes('input')},
  new_event as (
    insert into events
      (id, type, idempotency_key, livemode, occurred_at, received_at, message_id, transaction_id,
       order_id, body, provider, account, payment_transaction_id, superseded, payment_key)
    select input.event_id, input.type, $3, input.livemode, input.occurred_at, input.received_at, $1,
           input.transaction_id, input.order_id, input.body, input.provider, input.account, input.pay_txn,
           coalesce(payment_decisions.superseded, false), input.payment_key
    from input left join payment_decisions on payment_decisions.ord = input.ord
    on conflict (provider, idempotency_key) do update set idempotency_key = excluded.idempotency_key
    returning id, provider, account, type, livemode, superseded, (xmax = 0) as inserted),
  new_deliveries as (${outboxInsert('new_event')}),
  updated_message as (
    update inbound_messages
    set status = case when new_event.inserted then 'verified' else 'duplicate' end,
        reason = case when new_event.inserted then null else 'resend of an already verified notification' end,
        event_id = new_event.id, next_verify_at = null, verify_error = null, updated_at = now()
    from new_event
    where inbound_messages.id = $1
    returning inbound_messages.status, inbound_messages.event_id)
  select updated_message.status, updated_message.event_id,
         (select array_agg(id order by id) from new_deliveries) as delivery_ids,
         (select array_agg(subscriber_id order by id) from new_deliveries) as delivery_subscribers
  from updated_message`;

/** A deferred message came back genuine: its event (unless a duplicate) and deliveries. */
export async function recordVerified(
  handle: DbHandle,
  message: { id: string; provider: string; account: string; receivedAt: Date },
  event: NewEvent,
): Promise<StoreResult> {
  const input = [
    {
      provider: message.provider,
      account: message.account,
      received_at: message.receivedAt.toISOString(),
      ...eventInput(event),
    },
  ];
  const params = [message.id, JSON.stringify(input), event.idempotencyKey];
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
