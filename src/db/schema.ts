import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { EventType } from '../../providers/types';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Every request a provider made, as received, with what the gateway decided about it. */
export const inboundMessages = pgTable(
  'inbound_messages',
  {
    id: text('id').primaryKey(),
    provider: text('provider').notNull(),
    /** The provider account whose endpoint received it (`default` without ACCOUNTS_FILE). */
    account: text('account').notNull().default('default'),
    kind: text('kind').notNull(),
    receivedAt: timestamptz('received_at').notNull(),
    /** pending | verified | invalid | rejected | duplicate */
    status: text('status').notNull(),
    reason: text('reason'),
    contentType: text('content_type'),
    headers: jsonb('headers').$type<Record<string, string>>().notNull(),
    remoteAddr: text('remote_addr'),
    rawBody: bytea('raw_body').notNull(),
    idempotencyKey: text('idempotency_key'),
    eventId: text('event_id'),
    verifyAttempts: integer('verify_attempts').notNull().default(0),
    nextVerifyAt: timestamptz('next_verify_at'),
    /** A worker job's check holds the message until then (CLAIM_MESSAGES, message-verifier.ts). */
    verifyClaimedUntil: timestamptz('verify_claimed_until'),
    verifyError: text('verify_error'),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    /** Set when an erasure request removed its raw bytes. */
    erasedAt: timestamptz('erased_at'),
  },
  // Few indexes on purpose: every one is written on the ingest path. Most messages are verified,
  // so only the others are indexed by status (operators look for rejected, invalid, pending).
  (table) => [
    index('inbound_messages_unverified_idx')
      .on(table.status, table.id)
      .where(sql`${table.status} <> 'verified'`),
    index('inbound_messages_pending_verify_idx')
      .on(table.nextVerifyAt)
      .where(sql`${table.status} = 'pending'`),
  ],
);

/** One shared payment event per logical notification; `body` is the exact JSON sent to subscribers. */
export const events = pgTable(
  'events',
  {
    id: text('id').primaryKey(),
    provider: text('provider').notNull(),
    account: text('account').notNull().default('default'),
    type: text('type').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    livemode: boolean('livemode').notNull(),
    occurredAt: timestamptz('occurred_at').notNull(),
    receivedAt: timestamptz('received_at').notNull(),
    messageId: text('message_id').notNull(),
    transactionId: text('transaction_id'),
    orderId: text('order_id'),
    /** provider:account:transaction (the parent for refunds); groups an ordered subscriber's events. */
    paymentKey: text('payment_key'),
    body: text('body').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    /** The payment this event belongs to (parent_transaction_id, else transaction_id); null for non-payment events. */
    paymentTransactionId: text('payment_transaction_id'),
    /** Stored but never delivered: it would have moved its payment back or repeated its state. */
    superseded: boolean('superseded').notNull().default(false),
    /** Set when an erasure request removed its customer and raw fields. */
    erasedAt: timestamptz('erased_at'),
  },
  (table) => [
    uniqueIndex('events_provider_key_uq').on(table.provider, table.idempotencyKey),
    index('events_type_idx').on(table.type, table.id),
    index('events_transaction_idx').on(table.transactionId),
    index('events_order_idx').on(table.orderId),
    index('events_payment_key_idx')
      .on(table.paymentKey, table.id)
      .where(sql`${table.paymentKey} is not null`),
    index('events_payment_idx')
      .on(table.paymentTransactionId)
      .where(sql`${table.paymentTransactionId} is not null`),
  ],
);

/**
 * One payment per provider, account and transaction: its current state and amounts, written by
 * the statement that stores each of its events (see src/payments/payment-sql.ts).
 */
export const payments = pgTable(
  'payments',
  {
    id: text('id').primaryKey(),
    provider: text('provider').notNull(),
    account: text('account').notNull().default('default'),
    transactionId: text('transaction_id').notNull(),
    orderId: text('order_id'),
    /** The type of the latest event that moved the payment forward. */
    state: text('state').$type<EventType>().notNull(),
    /** Position of `state` in the provider's transition table. */
    rank: integer('rank').notNull(),
    amount: text('amount'),
    currency: text('currency'),
    /** Exact sum of the distinct refunds' absolute amounts; null before any refund. */
    refundedAmount: numeric('refunded_amount'),
    livemode: boolean('livemode').notNull(),
    /** Searchable; erasable without losing the payment. */
    customerEmail: text('customer_email'),
    /** Rank of the event that last set amount, currency, order and email. */
    sourceRank: integer('source_rank'),
    /** Repeatable events seen (refunds, disputes): "type|occurrence" → refunded amount or null. */
    occurrences: jsonb('occurrences').$type<Record<string, string | null>>().notNull().default({}),
    /** The row as the last write found it (read back by that same statement). */
    priorRank: integer('prior_rank'),
    priorOccurrences: jsonb('prior_occurrences').$type<Record<string, string | null>>(),
    firstSeenAt: timestamptz('first_seen_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (table) => [
    uniqueIndex('payments_transaction_uq').on(table.transactionId, table.provider, table.account),
    index('payments_order_idx').on(table.orderId),
    index('payments_email_idx').on(sql`lower(${table.customerEmail})`),
  ],
);

/** Internal systems that receive events. */
export const subscribers = pgTable(
  'subscribers',
  {
    id: text('id').primaryKey(),
    url: text('url').notNull(),
    description: text('description'),
    enabled: boolean('enabled').notNull().default(true),
    eventTypes: text('event_types').array().notNull().default(sql`'{}'::text[]`),
    providers: text('providers').array().notNull().default(sql`'{}'::text[]`),
    /** Only events of these provider accounts; empty means all. */
    accounts: text('accounts').array().notNull().default(sql`'{}'::text[]`),
    /** event | raw */
    format: text('format').notNull().default('event'),
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: timestamptz('previous_secret_expires_at'),
    /** all | live | test */
    livemode: text('livemode').notNull().default('all'),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    /** Requests per second, across every worker process; null = unlimited. */
    rateLimit: integer('rate_limit'),
    /** none | transaction */
    ordering: text('ordering').notNull().default('none'),
    /** null | manual | failing */
    disabledReason: text('disabled_reason'),
    /** Start of the current run of failed attempts (null after a success). */
    failingSince: timestamptz('failing_since'),
    failingAttempts: integer('failing_attempts').notNull().default(0),
    /** Set by successes only while the subscriber is failing or an alert about it is open. */
    lastSuccessAt: timestamptz('last_success_at'),
    /** What operators were last alerted about: null | failing | disabled. */
    alertState: text('alert_state'),
    alertStateAt: timestamptz('alert_state_at'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    deletedAt: timestamptz('deleted_at'),
  },
  (table) => [index('subscribers_enabled_idx').on(table.enabled).where(sql`${table.deletedAt} is null`)],
);

/** One event to one subscriber: the unit that is retried. */
export const deliveries = pgTable(
  'deliveries',
  {
    id: text('id').primaryKey(),
    eventId: text('event_id')
      .notNull()
      .references(() => events.id),
    subscriberId: text('subscriber_id')
      .notNull()
      .references(() => subscribers.id),
    /** pending | succeeded | failed */
    status: text('status').notNull(),
    attemptCount: integer('attempt_count').notNull().default(0),
    nextAttemptAt: timestamptz('next_attempt_at'),
    /** Set while an attempt is in flight; an expired lease means the worker died. */
    leaseUntil: timestamptz('lease_until'),
    /** Identifies the claim holding the lease; only that claim may record the attempt. */
    claimToken: text('claim_token'),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    succeededAt: timestamptz('succeeded_at'),
  },
  (table) => [
    uniqueIndex('deliveries_event_subscriber_uq').on(table.eventId, table.subscriberId),
    // Only failed deliveries are listed by status often enough to index; most end succeeded.
    index('deliveries_failed_idx').on(table.id).where(sql`${table.status} = 'failed'`),
    index('deliveries_subscriber_idx').on(table.subscriberId, table.id),
    index('deliveries_due_idx').on(table.nextAttemptAt, table.id).where(sql`${table.status} = 'pending'`),
  ],
);

export const deliveryAttempts = pgTable(
  'delivery_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => deliveries.id),
    number: integer('number').notNull(),
    startedAt: timestamptz('started_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    responseBody: text('response_body'),
    /** scheduled | manual */
    trigger: text('trigger').notNull(),
  },
  (table) => [uniqueIndex('delivery_attempts_delivery_number_uq').on(table.deliveryId, table.number)],
);

/** Operational alerts for ALERT_WEBHOOK_URL, stored first and sent (with retries) by a worker. */
export const alerts = pgTable(
  'alerts',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    /** pending | sent | failed | unsent (no ALERT_WEBHOOK_URL) */
    status: text('status').notNull().default('pending'),
    attemptCount: integer('attempt_count').notNull().default(0),
    nextAttemptAt: timestamptz('next_attempt_at').defaultNow(),
    leaseUntil: timestamptz('lease_until'),
    lastError: text('last_error'),
    sentAt: timestamptz('sent_at'),
  },
  (table) => [index('alerts_due_idx').on(table.nextAttemptAt).where(sql`${table.status} = 'pending'`)],
);

/** Signed-in dashboard browsers; the id is the SHA-256 of the cookie, never the cookie itself. */
export const dashboardSessions = pgTable(
  'dashboard_sessions',
  {
    id: text('id').primaryKey(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    expiresAt: timestamptz('expires_at').notNull(),
  },
  (table) => [index('dashboard_sessions_expires_idx').on(table.expiresAt)],
);

/** Admin actions: who (API token or dashboard session), what, on which object. */
export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  at: timestamptz('at').notNull().defaultNow(),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  target: text('target'),
  requestId: text('request_id'),
  details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
});
