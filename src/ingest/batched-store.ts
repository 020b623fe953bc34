// Group commit for ingest: the messages of requests that arrive together are written by one
// statement (each with its event and outbox rows), and every request still waits for its own
// row before it is answered. Copies of one notification inside a batch are resolved here (only
// the first may create the event; PostgreSQL cannot upsert one key twice in a statement), and
// across batches by the unique index, as before.
import { type DbHandle, INDEX_LOOKUPS, type QueryOptions } from '../db/client';
import { joinPacked, packColumn } from '../db/packed-column';
import { type Preclaim, type PreclaimedEvent, preclaimedDelivery, preclaimKeys } from '../delivery/preclaim';
import { paymentCtes } from '../payments/payment-sql';
import {
  EVENT_INPUT_COLUMNS,
  eventInput,
  type InboundRecord,
  type MessageStatus,
  type NewEvent,
  type StoreResult,
  zipDeliveries,
} from './message-store';
import { outboxInsert } from './outbox-sql';

export interface AcceptedItem {
  record: InboundRecord;
  event: NewEvent;
}

export interface DeferredItem {
  record: InboundRecord;
  idempotencyKey: string;
}

function messageJson(record: InboundRecord, idempotencyKey: string) {
  return {
    id: record.id,
    provider: record.provider,
    account: record.account,
    kind: record.kind,
    received_at: record.receivedAt.toISOString(),
    content_type: record.contentType,
    headers: record.headers,
    remote_addr: record.remoteAddr,
    idempotency_key: idempotencyKey,
  };
}

const MESSAGE_COLUMNS = `ord int, id text, provider text, account text, kind text, received_at timestamptz, content_type text,
  headers jsonb, remote_addr text, idempotency_key text`;

/** The raw bodies of a batch, base64, packed beside its JSON (packed-column.ts). */
function packedRawBodies(records: readonly InboundRecord[]): string {
  return packColumn(records.map((record) => record.rawBody.toString('base64')));
}

const INSERT_ACCEPTED_BATCH = `
  with input as (
    select t.*, packed.raw_body, packed.body
    from jsonb_to_recordset($1::jsonb) as t(${MESSAGE_COLUMNS}, leader boolean, ${EVENT_INPUT_COLUMNS})
    ${joinPacked('packed', 't.ord', { raw_body: '$4', body: '$5' })}),
  ${paymentCtes('input')},
  new_events as (
    insert into events
      (id, provider, account, type, idempotency_key, livemode, occurred_at, received_at, message_id,
       transaction_id, order_id, body, payment_transaction_id, superseded, payment_key)
    select input.event_id, input.provider, input.account, input.type, input.idempotency_key, input.livemode,
           input.occurred_at, input.received_at, input.id, input.transaction_id, input.order_id, input.body,
           input.pay_txn, coalesce(payment_decisions.superseded, false), input.payment_key
    from input left join payment_decisions on payment_decisions.ord = input.ord
    where input.leader
    on conflict (provider, idempotency_key) do update set idempotency_key = excluded.idempotency_key
    returning id, provider, account, idempotency_key, type, livemode, superseded, (xmax = 0) as inserted),
  new_deliveries as (${outboxInsert('new_events', { keys: '$2::text[]', leaseMs: '$3::int' })}),
  new_messages as (
    insert into inbound_messages
      (id, provider, account, kind, received_at, content_type, headers, remote_addr, raw_body, idempotency_key,
       status, reason, event_id)
    select input.id, input.provider, input.account, input.kind, input.received_at, input.content_type, input.headers,
           input.remote_addr, decode(input.raw_body, 'base64'), input.idempotency_key,
           case when input.leader and new_events.inserted then 'verified' else 'duplicate' end,
           case when input.leader and new_events.inserted then null
                else 'resend of an already accepted notification' end,
           new_events.id
    from input
    join new_events on new_events.provider = input.provider and new_events.idempotency_key = input.idempotency_key
    returning id, status, event_id)
  select new_messages.id, new_messages.status, new_messages.event_id,
         case when new_messages.status = 'verified'
              then (select array_agg(d.id order by d.id) from new_deliveries d where d.event_id = new_messages.event_id)
         end as delivery_ids,
         case when new_messages.status = 'verified'
              then (select array_agg(d.subscriber_id order by d.id) from new_deliveries d
                    where d.event_id = new_messages.event_id)
         end as delivery_subscribers,
         case when new_messages.status = 'verified'
              then (select array_agg(coalesce(d.claim_token, '') order by d.id) from new_deliveries d
                    where d.event_id = new_messages.event_id)
         end as delivery_claims
  from new_messages`;

interface BatchRow extends Record<string, unknown> {
  id: string;
  status: MessageStatus;
  event_id: string | null;
  delivery_ids?: string[] | null;
  delivery_subscribers?: string[] | null;
  /** The claim token of each delivery, '' where it is not claimed (a NULL element would come back as 'NULL'). */
  delivery_claims?: string[] | null;
}

function inOrder(items: Array<{ record: InboundRecord }>, rows: BatchRow[]): StoreResult[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return items.map(({ record }) => {
    const row = byId.get(record.id);
    if (!row) throw new Error(`message ${record.id} was not stored`);
    return {
      status: row.status,
      eventId: row.event_id,
      deliveries: zipDeliveries(row.delivery_ids, row.delivery_subscribers),
    };
  });
}

/** Attaches the claim to each delivery the statement inserted already claimed. */
function withClaims(
  results: StoreResult[],
  items: AcceptedItem[],
  rows: BatchRow[],
  preclaim: Preclaim,
): StoreResult[] {
  const claimsById = new Map(rows.map((row) => [row.id, row.delivery_claims]));
  return results.map((result, index) => {
    const item = items[index] as AcceptedItem;
    const claims = claimsById.get(item.record.id);
    if (!claims?.some((claim) => claim !== '')) return result;
    const event: PreclaimedEvent = {
      id: item.event.id,
      type: item.event.type,
      receivedAt: item.record.receivedAt,
      body: item.event.body,
      paymentKey: item.event.paymentKey,
      rawBody: item.record.rawBody,
      rawContentType: item.record.contentType,
    };
    const deliveries = result.deliveries.map((delivery, position) => {
      const claimToken = claims[position] ?? '';
      const subscriber = preclaim.subscribers.get(delivery.subscriberId);
      if (claimToken === '' || !subscriber) return delivery;
      return { ...delivery, claimed: preclaimedDelivery({ id: delivery.id, claimToken }, subscriber, event) };
    });
    return { ...result, deliveries };
  });
}

/**
 * Stores accepted messages with their events and outbox rows. With `preclaim`, deliveries to
 * those subscribers come back already claimed, for this process to attempt (see preclaim.ts).
 */
export async function storeAcceptedBatch(
  handle: DbHandle,
  items: AcceptedItem[],
  options?: QueryOptions,
  preclaim: Preclaim | null = null,
): Promise<StoreResult[]> {
  const leaders = new Set<string>();
  const input = items.map(({ record, event }, ord) => {
    const key = `${record.provider}\u0000${event.idempotencyKey}`;
    const leader = !leaders.has(key);
    leaders.add(key);
    return {
      ord,
      ...messageJson(record, event.idempotencyKey),
      leader,
      ...eventInput(event),
    };
  });
  const rows = await handle.query<BatchRow>(
    INSERT_ACCEPTED_BATCH,
    [
      JSON.stringify(input),
      preclaimKeys(preclaim),
      preclaim?.leaseMs ?? 0,
      packedRawBodies(items.map((item) => item.record)),
      packColumn(items.map((item) => item.event.body)),
    ],
    options,
  );
  const results = inOrder(items, rows);
  return preclaim ? withClaims(results, items, rows, preclaim) : results;
}

// A resend of an already verified notification is a duplicate and is never verified again. The
// first check is due once the hold ($2 ms) has passed: until then the reconciler leaves it alone.
// Run as index lookups (see QueryOptions.indexLookups), and the lookup of an earlier event is a
// lateral subquery that cannot become a join: with sequential scans off, a generic plan from a
// young table still read all of `events_provider_key_uq` for every batch (a hash join).
const INSERT_DEFERRED_BATCH = `
  with input as (
    select t.*, packed.raw_body
    from jsonb_to_recordset($1::jsonb) as t(${MESSAGE_COLUMNS})
    ${joinPacked('packed', 't.ord', { raw_body: '$3' })})
  insert into inbound_messages
    (id, provider, account, kind, received_at, content_type, headers, remote_addr, raw_body, idempotency_key,
     status, reason, event_id, next_verify_at)
  select input.id, input.provider, input.account, input.kind, input.received_at, input.content_type, input.headers,
         input.remote_addr, decode(input.raw_body, 'base64'), input.idempotency_key,
         case when existing.id is null then 'pending' else 'duplicate' end,
         case when existing.id is null then null else 'resend of an already verified notification' end,
         existing.id,
         case when existing.id is null then now() + $2::int * interval '1 millisecond' end
  from input
  left join lateral (
    select e.id from events e
    where e.provider = input.provider and e.idempotency_key = input.idempotency_key
    offset 0) existing on true
  returning id, status, event_id`;

export async function storeDeferredBatch(
  handle: DbHandle,
  items: DeferredItem[],
  firstCheckHoldMs: number,
  options?: QueryOptions,
): Promise<StoreResult[]> {
  const input = items.map(({ record, idempotencyKey }, ord) => ({
    ord,
    ...messageJson(record, idempotencyKey),
  }));
  const rows = await handle.query<BatchRow>(
    INSERT_DEFERRED_BATCH,
    [JSON.stringify(input), firstCheckHoldMs, packedRawBodies(items.map((item) => item.record))],
    {
      ...options,
      ...INDEX_LOOKUPS,
    },
  );
  return inOrder(items, rows);
}
