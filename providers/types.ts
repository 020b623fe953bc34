// The contract between the gateway core and a provider plugin.
// Plugins are pure protocol adapters: bytes in, decisions out. They never touch the database,
// a queue, the network or process.env; the core does storage, dedup, queueing and HTTP.
import type { ZodType } from 'zod';

export const EVENT_TYPES = [
  'payment.pending',
  'payment.authorized',
  'payment.completed',
  'payment.failed',
  'payment.denied',
  'payment.canceled',
  'payment.refunded',
  'payment.reversed',
  'payment.reversal_canceled',
  'subscription.created',
  'subscription.payment_succeeded',
  'subscription.payment_skipped',
  'subscription.payment_failed',
  'subscription.suspended',
  'subscription.cancelled',
  'subscription.modified',
  'subscription.expired',
  'dispute.opened',
  'license.changed',
  'notification.unclassified',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/**
 * What kind of message an endpoint receives, declared by the plugin (`ipn`, `lcn`, `webhook`...).
 * It is stored on the message and becomes the event's `channel`.
 */
export type MessageKind = string;

export interface EventCustomer {
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  country: string | null;
}

export interface EventItem {
  name: string | null;
  quantity: number | null;
  amount: string | null;
}

/** `data` of the shared payment event (docs/contract.md section 3). */
export interface EventData {
  transaction_id: string | null;
  parent_transaction_id: string | null;
  order_id: string | null;
  subscription_id: string | null;
  provider_status: string | null;
  amount: string | null;
  currency: string | null;
  fee: string | null;
  customer: EventCustomer;
  items: EventItem[];
  reason: string | null;
  /** The merchant account the money went to (PayPal receiver_email, else receiver_id); null elsewhere. */
  receiver: string | null;
}

/** Decoded provider fields; repeated `NAME[]` keys become arrays under `NAME`. */
export type RawFields = Record<string, string | string[]>;

/** `raw` of an event: form fields, or a parsed JSON body (webhooks). */
export type RawData = RawFields | Readonly<Record<string, unknown>>;

/** What a plugin knows about an event; the core adds `id` and `received_at`. */
export interface NormalizedEvent {
  type: EventType;
  livemode: boolean;
  /** Provider time of the event, when its zone is known; null means "use received_at". */
  occurredAt: Date | null;
  data: EventData;
  raw: RawData;
}

/** The HTTP answer the provider expects; the core sends it only after the message is stored. */
export interface ProviderResponse {
  status: number;
  contentType?: string;
  body: string;
}

export interface InboundRequest {
  kind: MessageKind;
  /** The account the endpoint belongs to (`default` for the paths without a suffix). */
  account: string;
  /** The request path, as received. */
  path: string;
  /** Request headers, names in lower case. */
  headers: Readonly<Record<string, string>>;
  rawBody: Buffer;
  contentType: string | null;
  /** Injected clock, so receipts are testable. */
  now: Date;
}

/**
 * One inbound message, decided.
 * - `accepted`: verified inline; `event` is ready to store under `idempotencyKey`.
 * - `deferred`: well-formed but needs an out-of-band check (`verifier`) before an event exists.
 *   With `checkBeforeAnswer` the core tries the check before answering (a bad signature then gets
 *   a 400); when the check cannot finish now (a network failure) the message is stored, answered
 *   with `response` and checked later. Without it the core answers first and checks from a worker.
 * - `rejected`: well-formed but refused (bad signature, sandbox message in live mode...).
 * - `malformed`: not a parseable message at all.
 */
export type InboundDecision =
  | { outcome: 'accepted'; idempotencyKey: string; event: NormalizedEvent; response: ProviderResponse }
  | {
      outcome: 'deferred';
      idempotencyKey: string;
      response: ProviderResponse;
      checkBeforeAnswer?: boolean;
    }
  | { outcome: 'rejected'; reason: string; idempotencyKey: string | null; response: ProviderResponse }
  | { outcome: 'malformed'; reason: string; response: ProviderResponse };

// ---- out-of-band verification ----
// A plugin never opens a connection. It describes the request it needs; the core sends it (no
// redirects, a timeout, bounded answer size), caches the answer when asked to, and hands the
// answer back to the plugin's continuation.

export interface NetworkRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Reuse a 2xx answer to the same method and URL for this long (e.g. a signing certificate). */
  cacheForMs?: number;
}

export type NetworkAnswer = { ok: true; status: number; body: Buffer } | { ok: false; error: string };

/** After a positive check: the event, or a business rejection (e.g. another receiver). */
export type VerifiedDecision =
  | { outcome: 'accepted'; idempotencyKey: string; event: NormalizedEvent }
  | { outcome: 'rejected'; reason: string };

/**
 * One step of a check. `request` asks the core for a network call and continues with its answer;
 * the others end the check: `verified` (genuine; the decision says what to store), `invalid`
 * (not genuine, never retried) and `retry` (no verdict now; the core tries again later).
 */
export type VerifyStep =
  | { step: 'request'; request: NetworkRequest; continueWith(answer: NetworkAnswer): VerifyStep }
  | { step: 'verified'; decision: VerifiedDecision }
  | { step: 'invalid'; reason: string }
  | { step: 'retry'; reason: string };

/** A stored message, as the core hands it back for a check. */
export interface StoredMessage {
  kind: MessageKind;
  account: string;
  headers: Readonly<Record<string, string>>;
  rawBody: Buffer;
  receivedAt: Date;
}

export interface OutOfBandVerifier {
  verify(message: StoredMessage, now: Date): VerifyStep;
  /** Per network request. */
  timeoutMs: number;
  /** Delays between checks that got no verdict; the last one repeats. */
  retryScheduleMs: number[];
  /** After this long since receipt, a message without a verdict is given up (rejected). */
  giveUpAfterMs: number;
}

// ---- the plugin ----

/** An endpoint a plugin serves; each account gets it with `/<account>` appended (not `default`). */
export interface EndpointDeclaration<Account = unknown> {
  kind: MessageKind;
  path: string;
  /** Answer GET with 200 (2Checkout checks a URL with GET when it is saved). */
  answersGet?: boolean;
  /** For an endpoint that needs a setting: the variable that enables it, and whether an account has it. */
  requires?: { variable: string; present(account: Account): boolean };
}

/**
 * A plugin's settings. `env` is a zod object over environment variable names (shared by every
 * account, and the source of the `default` account); `account` validates one account of
 * ACCOUNTS_FILE (`{ "env": "NAME" }` values are already resolved). Problems are reported by the
 * core, one line each, at start.
 */
export interface ProviderSettingsDeclaration<Shared = unknown, Account = unknown> {
  env: ZodType<Shared>;
  account: ZodType<Account>;
  /** The `default` account from the environment, or null when the environment lacks what it needs. */
  defaultAccount(shared: Shared): Account | null;
  /** The one variable that turns the provider on (printed at start when it is off); null: on by default. */
  enabledBy: string | null;
}

/** How one event type acts on the payment it belongs to (docs/contract.md section 8). */
export interface TransitionRule {
  /** Position in a payment's life. A payment only moves to a higher rank; ranks are distinct per type. */
  rank: number;
  /**
   * Each distinct occurrence is its own event (partial refunds, separate disputes): never
   * superseded for its rank, only when the same occurrence arrives again.
   */
  repeatable: boolean;
  /** Its absolute amount adds to the payment's refunded_amount. */
  refund: boolean;
  /** Its amount and currency are the payment's own (not those of a refund or reversal). */
  carriesAmount: boolean;
}

/**
 * A provider's payment transition table (`providers/<id>/transitions.ts`). Pure data plus one
 * pure function: the core applies it in SQL against the locked payment row, so the decision holds
 * under any concurrency.
 */
export interface PaymentTransitions {
  /** Every event type: its rule, or null when events of that type do not belong to a payment. */
  rules: Readonly<Record<EventType, TransitionRule | null>>;
  /** For repeatable types: what makes two occurrences the same (e.g. refund transaction and amount). */
  occurrenceOf(event: NormalizedEvent): string;
}

/** One account of a provider with its settings applied. */
export interface ProviderAccount {
  receive(request: InboundRequest): InboundDecision;
  /** Present for providers that verify (some messages) out of band. */
  verifier?: OutOfBandVerifier;
}

export interface ProviderPlugin<Shared = unknown, Account = unknown> {
  id: string;
  endpoints: readonly EndpointDeclaration<Account>[];
  settings: ProviderSettingsDeclaration<Shared, Account>;
  /** Which events move a payment forward; a plugin without one keeps no payments. */
  transitions?: PaymentTransitions;
  configure(shared: Shared, account: Account, accountName: string): ProviderAccount;
  /**
   * Settings that start but leave the provider open to abuse (docs/contract.md section 10): each
   * line is logged as a warning at every start and shown on the dashboard overview.
   */
  warnings?(shared: Shared, accounts: ReadonlyArray<{ name: string; settings: Account }>): string[];
}

/** Erases a plugin's setting types for the registry; the core only passes back what it parsed. */
export function defineProvider<Shared, Account>(plugin: ProviderPlugin<Shared, Account>): ProviderPlugin {
  return plugin as unknown as ProviderPlugin;
}
