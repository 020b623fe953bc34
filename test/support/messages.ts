import { sql } from 'drizzle-orm';
import type { NormalizedEvent } from '../../providers/types';
import type { DbHandle } from '../../src/db/client';
import type { InboundRecord } from '../../src/ingest/message-store';

export interface StoredMessage extends Record<string, unknown> {
  id: string;
  provider: string;
  kind: string;
  status: string;
  reason: string | null;
  event_id: string | null;
  raw_body: Buffer;
  remote_addr: string | null;
  headers: Record<string, string>;
}

export async function storedMessages(db: DbHandle): Promise<StoredMessage[]> {
  return db.rows<StoredMessage>(sql`
    select id, provider, kind, status, reason, event_id, raw_body, remote_addr, headers
    from inbound_messages order by id`);
}

export interface StoredEvent extends Record<string, unknown> {
  id: string;
  type: string;
  provider: string;
  body: string;
}

export async function storedEvents(db: DbHandle): Promise<StoredEvent[]> {
  return db.rows<StoredEvent>(sql`select id, type, provider, body from events order by id`);
}

/** A PayPal IPN as ingest hands it on; `fields` override any part. */
/** Stores `record` as a PayPal message waiting for its first check, due now. */
export async function insertPendingMessage(db: DbHandle, record: InboundRecord): Promise<void> {
  await db.rows(sql`
    insert into inbound_messages
      (id, provider, account, kind, received_at, status, headers, raw_body, verify_attempts, next_verify_at)
    values (${record.id}, 'paypal', 'default', 'ipn', now(), 'pending', '{}'::jsonb, ${record.rawBody}, 0, now())`);
}

export function inboundRecord(id: string, fields: Partial<InboundRecord> = {}): InboundRecord {
  return {
    id,
    provider: 'paypal',
    account: 'default',
    kind: 'ipn',
    receivedAt: new Date('2026-01-02T03:04:05Z'),
    contentType: 'application/x-www-form-urlencoded',
    headers: {},
    remoteAddr: '127.0.0.1',
    rawBody: Buffer.from(`txn_id=${id}`),
    ...fields,
  };
}

/** A completed payment of 10.00 USD, as a plugin normalizes it. */
export function completedPayment(transactionId: string, providerStatus = 'Completed'): NormalizedEvent {
  return {
    type: 'payment.completed',
    livemode: true,
    occurredAt: null,
    data: {
      transaction_id: transactionId,
      parent_transaction_id: null,
      order_id: null,
      subscription_id: null,
      provider_status: providerStatus,
      amount: '10.00',
      currency: 'USD',
      fee: null,
      customer: { email: null, first_name: null, last_name: null, country: null },
      items: [],
      reason: null,
      receiver: null,
    },
    raw: { txn_id: transactionId },
  };
}
