// The contract between the gateway core and a provider plugin.
// Plugins are pure protocol adapters: bytes in, decisions out. They never touch the database,
// a queue, the network or process.env; the core does storage, dedup, queueing and HTTP.

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

export type MessageKind = 'ipn' | 'lcn';

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
}

/** Decoded provider fields; repeated `NAME[]` keys become arrays under `NAME`. */
export type RawFields = Record<string, string | string[]>;

/** What a plugin knows about an event; the core adds `id` and `received_at`. */
export interface NormalizedEvent {
  type: EventType;
  livemode: boolean;
  /** Provider time of the event, when its zone is known; null means "use received_at". */
  occurredAt: Date | null;
  data: EventData;
  raw: RawFields;
}

/** The HTTP answer the provider expects; the core sends it only after the message is stored. */
export interface ProviderResponse {
  status: number;
  contentType?: string;
  body: string;
}

export interface InboundRequest {
  kind: MessageKind;
  rawBody: Buffer;
  contentType: string | null;
  /** Injected clock, so receipts are testable. */
  now: Date;
}

/**
 * One inbound message, decided.
 * - `accepted`: verified inline; `event` is ready to store under `idempotencyKey`.
 * - `deferred`: well-formed but needs an out-of-band check (PayPal postback) before an event exists.
 * - `rejected`: well-formed but refused (bad signature, sandbox message in live mode...).
 * - `malformed`: not a parseable message at all.
 */
export type InboundDecision =
  | { outcome: 'accepted'; idempotencyKey: string; event: NormalizedEvent; response: ProviderResponse }
  | { outcome: 'deferred'; idempotencyKey: string; response: ProviderResponse }
  | { outcome: 'rejected'; reason: string; idempotencyKey: string | null; response: ProviderResponse }
  | { outcome: 'malformed'; reason: string; response: ProviderResponse };

/** How to ask the provider whether a deferred message is genuine (an HTTP request the core sends). */
export interface PostbackRequest {
  url: string;
  body: Buffer;
  headers: Record<string, string>;
}

export type PostbackVerdict = 'verified' | 'invalid' | 'retry';

/** After a positive postback: the event, or a business rejection (e.g. another receiver). */
export type VerifiedDecision =
  | { outcome: 'accepted'; idempotencyKey: string; event: NormalizedEvent }
  | { outcome: 'rejected'; reason: string };

export interface DeferredVerifier {
  postbackRequest(rawBody: Buffer): PostbackRequest;
  /** Classify the provider's answer; anything not clearly genuine or forged is `retry`. */
  interpretPostback(status: number, body: string): PostbackVerdict;
  afterVerified(rawBody: Buffer): VerifiedDecision;
}

export interface ProviderEndpoint {
  kind: MessageKind;
  path: string;
  /** Answer GET with 200 (2Checkout checks a URL with GET when it is saved). */
  answersGet: boolean;
}

/** A provider with its settings applied. */
export interface ConfiguredProvider {
  id: string;
  endpoints: ProviderEndpoint[];
  receive(request: InboundRequest): InboundDecision;
  /** Present for providers that verify out of band. */
  deferredVerifier?: DeferredVerifier;
}

/** Settings the core hands a plugin, taken from configuration. */
export interface ProviderSettings {
  paypal: {
    mode: 'live' | 'sandbox';
    verifyUrl: string;
    receiverEmails: string[];
    userAgent: string;
  };
  twocheckout: {
    secretKey: string | null;
  };
}

export interface ProviderPlugin {
  id: string;
  /** False when settings lack what the provider needs (e.g. no secret key). */
  isConfigured(settings: ProviderSettings): boolean;
  /** The environment variable that turns an unconfigured provider on; named in start-up output. */
  enabledBy?: string;
  configure(settings: ProviderSettings): ConfiguredProvider;
}
