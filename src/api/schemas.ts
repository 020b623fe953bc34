// Every request and response shape of the admin API, defined once: the same schemas validate
// requests and generate the OpenAPI document.
import { z } from '@hono/zod-openapi';
import { MESSAGE_KINDS, PROVIDER_IDS } from '../../providers/index';
import { EVENT_TYPES } from '../../providers/types';
import { BULK_RETRY_LIMIT } from '../delivery/delivery-commands';
import {
  headerProblem,
  isAccountName,
  isEventTypeFilter,
  isWebhookUrl,
  MAX_SUBSCRIBER_HEADERS,
} from '../subscribers/validation';
import { decodeCursor } from './queries/page';

const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
const MESSAGE_STATUSES = ['pending', 'verified', 'invalid', 'rejected', 'duplicate'] as const;
const SUBSCRIBER_FORMATS = ['event', 'raw'] as const;
const SUBSCRIBER_LIVEMODES = ['all', 'live', 'test'] as const;
const SUBSCRIBER_ORDERINGS = ['none', 'transaction'] as const;
const SUBSCRIBER_STATES = ['active', 'failing', 'disabled'] as const;

const timestamp = z.string().openapi({ format: 'date-time', example: '2026-11-21T12:00:00.000Z' });

// ---- errors ----

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'about:blank' }),
    title: z.string().openapi({ example: 'Not Found' }),
    status: z.number().int().openapi({ example: 404 }),
    detail: z.string(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: 'Each invalid field (validation failures only)' }),
  })
  .openapi('Problem');

// ---- common request parts ----

export const IdParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'sub_01JD5Q8Z3R4B9T6W2X7Y0KMN1P' }),
});

const pageQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .openapi({ param: { name: 'limit', in: 'query' }, description: 'Items per page, 1 to 200' }),
  cursor: z
    .string()
    .transform((value, context) => {
      const id = decodeCursor(value);
      if (id === null) {
        context.addIssue({ code: 'custom', message: 'not a next_cursor from a previous page' });
        return z.NEVER;
      }
      return id;
    })
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' }, description: 'next_cursor of the previous page' }),
};

const exactFilter = (name: string, description: string) =>
  z
    .string()
    .min(1)
    .optional()
    .openapi({ param: { name, in: 'query' }, description });

export const PageQuerySchema = z.object(pageQuery);

export const EventQuerySchema = z.object({
  ...pageQuery,
  provider: exactFilter('provider', 'Only events of this provider'),
  type: z
    .enum(EVENT_TYPES)
    .optional()
    .openapi({ param: { name: 'type', in: 'query' } }),
  transaction_id: exactFilter('transaction_id', 'Only events with this data.transaction_id'),
  order_id: exactFilter('order_id', 'Only events with this data.order_id'),
});

export const DeliveryQuerySchema = z.object({
  ...pageQuery,
  status: z
    .enum(DELIVERY_STATUSES)
    .optional()
    .openapi({ param: { name: 'status', in: 'query' } }),
  subscriber_id: exactFilter('subscriber_id', 'Only deliveries to this subscriber'),
  event_id: exactFilter('event_id', 'Only deliveries of this event'),
});

export const MessageQuerySchema = z.object({
  ...pageQuery,
  provider: exactFilter('provider', 'Only messages from this provider'),
  status: z
    .enum(MESSAGE_STATUSES)
    .optional()
    .openapi({ param: { name: 'status', in: 'query' } }),
  kind: z
    .string()
    .refine((kind) => MESSAGE_KINDS.includes(kind), { message: `must be one of ${MESSAGE_KINDS.join(', ')}` })
    .optional()
    .openapi({ param: { name: 'kind', in: 'query' } }),
});

const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({
      data: z.array(item),
      next_cursor: z
        .string()
        .nullable()
        .openapi({ description: 'Pass as `cursor` for the next page; null on the last' }),
    })
    .openapi(name);

// ---- subscribers ----

const subscriberUrl = z
  .string()
  .max(2048)
  .refine(isWebhookUrl, { message: 'must be an absolute http: or https: URL' })
  .openapi({ format: 'uri', example: 'https://billing.internal.example/webhooks/payments' });

const eventTypeFilter = z
  .string()
  .refine(isEventTypeFilter, { message: 'must be a known event type or a family pattern such as payment.*' })
  .openapi({ example: 'payment.*' });

const subscriberFields = {
  url: subscriberUrl,
  description: z.string().max(1000).nullable(),
  enabled: z.boolean(),
  event_types: z
    .array(eventTypeFilter)
    .max(100)
    .openapi({ description: 'Exact types or family patterns like payment.*; empty means every type' }),
  providers: z
    .array(z.string())
    .max(20)
    .openapi({ description: `Provider ids (${PROVIDER_IDS.join(', ')}); empty means every provider` }),
  accounts: z
    .array(
      z
        .string()
        .refine(isAccountName, { message: 'must be an account name: letters, digits, "_" and "-"' })
        .openapi({ example: 'shop-eu' }),
    )
    .max(50)
    .openapi({
      description: 'Provider accounts (ACCOUNTS_FILE names, or default); empty means every account',
    }),
  format: z
    .enum(SUBSCRIBER_FORMATS)
    .openapi({ description: 'event: the shared JSON event; raw: the provider body as received' }),
  livemode: z.enum(SUBSCRIBER_LIVEMODES).openapi({
    description: 'live: only events with livemode true; test: only livemode false; all: both',
  }),
  headers: z
    .record(z.string(), z.string())
    .superRefine((headers, context) => {
      const names = Object.keys(headers);
      if (names.length > MAX_SUBSCRIBER_HEADERS) {
        context.addIssue({ code: 'custom', message: `at most ${MAX_SUBSCRIBER_HEADERS} headers` });
      }
      for (const name of names) {
        const problem = headerProblem(name, headers[name] as string);
        if (problem) context.addIssue({ code: 'custom', path: [name], message: problem });
      }
    })
    .openapi({
      description:
        'Up to 10 extra static request headers (e.g. an internal API key). Names are HTTP tokens, ' +
        'stored in lower case; content-type, host, content-length and webhook-* are refused.',
      example: { 'x-api-key': 'internal-key' },
    }),
  rate_limit: z.number().int().min(1).max(10_000).nullable().openapi({
    description:
      'At most this many requests per second to this subscriber, across all workers; null: no limit',
  }),
  ordering: z.enum(SUBSCRIBER_ORDERINGS).openapi({
    description:
      'transaction: an event of a payment waits until the previous one of the same payment has ' +
      'succeeded or finally failed for this subscriber; none: no waiting',
  }),
};

export const CreateSubscriberSchema = z
  .strictObject({
    url: subscriberFields.url,
    description: subscriberFields.description.optional(),
    enabled: subscriberFields.enabled.default(true),
    event_types: subscriberFields.event_types.default([]),
    providers: subscriberFields.providers.default([]),
    accounts: subscriberFields.accounts.default([]),
    format: subscriberFields.format.default('event'),
    livemode: subscriberFields.livemode.default('all'),
    headers: subscriberFields.headers.default({}),
    rate_limit: subscriberFields.rate_limit.default(null),
    ordering: subscriberFields.ordering.default('none'),
  })
  .openapi('SubscriberCreate');

export const UpdateSubscriberSchema = z
  .strictObject({
    url: subscriberFields.url.optional(),
    description: subscriberFields.description.optional(),
    enabled: subscriberFields.enabled.optional(),
    event_types: subscriberFields.event_types.optional(),
    providers: subscriberFields.providers.optional(),
    accounts: subscriberFields.accounts.optional(),
    format: subscriberFields.format.optional(),
    livemode: subscriberFields.livemode.optional(),
    headers: subscriberFields.headers.optional(),
    rate_limit: subscriberFields.rate_limit.optional(),
    ordering: subscriberFields.ordering.optional(),
  })
  .openapi('SubscriberUpdate');

export const SubscriberSchema = z
  .object({
    id: z.string().openapi({ example: 'sub_01JD5Q8Z3R4B9T6W2X7Y0KMN1P' }),
    url: z.string(),
    description: z.string().nullable(),
    enabled: z.boolean(),
    event_types: z.array(z.string()),
    providers: z.array(z.string()),
    accounts: z.array(z.string()),
    format: z.enum(SUBSCRIBER_FORMATS),
    livemode: z.enum(SUBSCRIBER_LIVEMODES),
    headers: z.record(z.string(), z.string()),
    rate_limit: z.number().int().nullable(),
    ordering: z.enum(SUBSCRIBER_ORDERINGS),
    state: z.enum(SUBSCRIBER_STATES).openapi({
      description:
        'Read-only. failing: its recent attempts fail (retries go on); disabled: not receiving events',
    }),
    disabled_reason: z.enum(['manual', 'failing']).nullable().openapi({
      description: 'Read-only. failing: disabled automatically after SUBSCRIBER_DISABLE_AFTER of failures',
    }),
    failing_since: timestamp.nullable().openapi({ description: 'Read-only. While failing: since when' }),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi('Subscriber');

export const CreatedSubscriberSchema = SubscriberSchema.extend({
  secret: z.string().openapi({ description: 'Signing secret (whsec_…)' }),
}).openapi('CreatedSubscriber');

export const SubscriberPageSchema = pageOf(SubscriberSchema, 'SubscriberPage');

export const SubscriberSecretsSchema = z
  .object({
    secret: z.string(),
    previous_secret: z.string().nullable().openapi({ description: 'Still signing until it expires' }),
    previous_secret_expires_at: timestamp.nullable(),
  })
  .openapi('SubscriberSecrets');

export const RotatedSecretSchema = z
  .object({ secret: z.string(), previous_secret_expires_at: timestamp })
  .openapi('RotatedSecret');

export const RecoverSchema = z
  .strictObject({
    since: z.iso
      .datetime({ offset: true })
      .openapi({ description: 'Events received at or after this time (at most RETENTION ago)' }),
    until: z.iso.datetime({ offset: true }).optional().openapi({ description: '...and before this time' }),
  })
  .refine((body) => body.until === undefined || Date.parse(body.until) > Date.parse(body.since), {
    path: ['until'],
    message: 'must be later than since',
  })
  .openapi('RecoverRequest');

export const RecoverResultSchema = z
  .object({ deliveries: z.number().int().openapi({ description: 'Deliveries created or retried' }) })
  .openapi('RecoverResult');

export const PingResultSchema = z
  .object({
    status_code: z.number().int().nullable().openapi({ description: 'null without a response' }),
    duration_ms: z.number().int(),
    error: z
      .string()
      .nullable()
      .openapi({ description: 'Why it failed (non-2xx, timeout, refused); null on 2xx' }),
    response_body: z.string().nullable().openapi({ description: 'First 4 KiB of the response body' }),
  })
  .openapi('PingResult');

// ---- deliveries ----

export const AttemptSchema = z
  .object({
    number: z.number().int(),
    started_at: timestamp,
    duration_ms: z.number().int(),
    status_code: z.number().int().nullable().openapi({ description: 'null without a response' }),
    error: z.string().nullable().openapi({ description: 'null when there was a response' }),
    response_body: z.string().nullable().openapi({ description: 'First 4 KiB of the response body' }),
    trigger: z.enum(['scheduled', 'manual']),
  })
  .openapi('Attempt');

export const DeliverySchema = z
  .object({
    id: z.string(),
    event_id: z.string(),
    subscriber_id: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempt_count: z.number().int(),
    next_attempt_at: timestamp.nullable(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi('Delivery');

export const DeliveryWithAttemptsSchema = DeliverySchema.extend({ attempts: z.array(AttemptSchema) }).openapi(
  'DeliveryWithAttempts',
);

export const DeliveryPageSchema = pageOf(DeliverySchema, 'DeliveryPage');

export const RetryAcceptedSchema = z
  .object({
    id: z.string(),
    status: z.literal('pending'),
    attempt: z.number().int().openapi({ description: 'attempt_count when the retry was queued' }),
  })
  .openapi('RetryAccepted');

export const BulkRetrySchema = z
  .strictObject({
    subscriber_id: z.string().min(1),
    since: z.iso
      .datetime({ offset: true })
      .openapi({ description: 'Retry deliveries that failed at or after this time' }),
    until: z.iso.datetime({ offset: true }).optional().openapi({ description: '...and before this time' }),
  })
  .refine((body) => body.until === undefined || Date.parse(body.until) > Date.parse(body.since), {
    path: ['until'],
    message: 'must be later than since',
  })
  .openapi('BulkRetryRequest');

export const BulkRetryResultSchema = z
  .object({
    count: z.number().int(),
    delivery_ids: z.array(z.string()).openapi({ description: `At most ${BULK_RETRY_LIMIT}` }),
  })
  .openapi('BulkRetryResult');

// ---- events ----

const nullableString = z.string().nullable();

export const EventSchema = z
  .object({
    id: z.string().openapi({ example: 'evt_01JD5Q8Z3R4B9T6W2X7Y0KMN1P' }),
    type: z.enum(EVENT_TYPES),
    provider: z.string(),
    account: z.string().openapi({ description: 'The provider account (default without ACCOUNTS_FILE)' }),
    channel: z.string().openapi({ description: 'How it arrived: ipn, lcn or webhook' }),
    livemode: z.boolean(),
    superseded: z.boolean().openapi({
      description:
        'True when the event would have moved its payment back or repeated its state: stored, never delivered',
    }),
    occurred_at: timestamp,
    received_at: timestamp,
    data: z.object({
      transaction_id: nullableString,
      parent_transaction_id: nullableString,
      order_id: nullableString,
      subscription_id: nullableString,
      provider_status: nullableString,
      amount: nullableString.openapi({ description: 'Decimal string as the provider sent it' }),
      currency: nullableString,
      fee: nullableString,
      customer: z.object({
        email: nullableString,
        first_name: nullableString,
        last_name: nullableString,
        country: nullableString,
      }),
      items: z.array(
        z.object({ name: nullableString, quantity: z.number().nullable(), amount: nullableString }),
      ),
      reason: nullableString,
      receiver: nullableString.openapi({
        description:
          'The merchant account the money went to, as the provider names it; null when it names none',
      }),
    }),
    raw: z
      .record(z.string(), z.unknown())
      .openapi({ description: 'Every provider field, decoded (form fields, or the parsed JSON body)' }),
  })
  .openapi('Event');

export const EventWithDeliveriesSchema = EventSchema.extend({
  deliveries: z.array(DeliveryWithAttemptsSchema),
}).openapi('EventWithDeliveries');

export const EventPageSchema = pageOf(EventSchema, 'EventPage');

// ---- inbound messages ----

export const MessageSchema = z
  .object({
    id: z.string().openapi({ example: 'msg_01JD5Q8Z3R4B9T6W2X7Y0KMN1P' }),
    provider: z.string(),
    account: z.string().openapi({ description: 'The provider account whose endpoint received it' }),
    kind: z.string().openapi({ description: `How it arrived: ${MESSAGE_KINDS.join(', ')}` }),
    received_at: timestamp,
    status: z.enum(MESSAGE_STATUSES),
    reason: z.string().nullable(),
    event_id: z.string().nullable(),
  })
  .openapi('Message');

export const MessageDetailSchema = MessageSchema.extend({
  headers: z.record(z.string(), z.string()),
  remote_addr: z.string().nullable(),
  content_type: z.string().nullable(),
  raw_body_base64: z.string().openapi({ description: 'The exact bytes received, base64' }),
  verify_attempts: z.number().int(),
  verify_error: z.string().nullable(),
}).openapi('MessageDetail');

export const MessagePageSchema = pageOf(MessageSchema, 'MessagePage');

// ---- payments ----

export const PaymentQuerySchema = z.object({
  ...pageQuery,
  provider: exactFilter('provider', 'Only payments of this provider'),
  state: z
    .enum(EVENT_TYPES)
    .optional()
    .openapi({ param: { name: 'state', in: 'query' }, description: 'Only payments in this state' }),
  transaction_id: exactFilter('transaction_id', 'Only the payment of this transaction'),
  order_id: exactFilter('order_id', 'Only payments of this order id'),
  email: exactFilter('email', 'Only payments whose customer has this email (case-insensitive)'),
});

export const PaymentParamsSchema = z.object({
  provider: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'provider', in: 'path' }, example: PROVIDER_IDS[0] }),
  transaction_id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'transaction_id', in: 'path' }, example: '61E67681CH3238416' }),
});

export const PaymentAccountQuerySchema = z.object({
  account: exactFilter('account', 'The account, when the transaction id exists in several'),
});

const decimal = (description: string) => z.string().nullable().openapi({ description, example: '20.00' });

const paymentFields = {
  provider: z.string(),
  account: z.string().openapi({ example: 'default' }),
  transaction_id: z.string(),
  order_id: nullableString,
  state: z
    .enum(EVENT_TYPES)
    .openapi({ description: 'Type of the latest event that moved the payment forward' }),
  amount: decimal("The payment's own amount, as the provider sent it"),
  currency: nullableString,
  refunded_amount: decimal("Exact sum of the distinct refunds' absolute amounts; null before any refund"),
  livemode: z.boolean(),
  customer_email: nullableString,
  first_seen_at: timestamp,
  updated_at: timestamp,
};

export const PaymentSchema = z.object(paymentFields).openapi('Payment');

export const PaymentEventSchema = z
  .object({
    id: z.string(),
    type: z.enum(EVENT_TYPES),
    occurred_at: timestamp,
    received_at: timestamp,
    superseded: z.boolean().openapi({ description: 'Stored but not delivered' }),
    transaction_id: nullableString.openapi({ description: "The event's own transaction (a refund's, say)" }),
    amount: nullableString,
    message_id: z.string().openapi({ description: 'The inbound message that carried it' }),
    deliveries: z
      .object({
        total: z.number().int(),
        succeeded: z.number().int(),
        pending: z.number().int(),
        failed: z.number().int(),
      })
      .openapi({ description: 'Its deliveries by status (none for a superseded event)' }),
  })
  .openapi('PaymentEvent');

export const PaymentWithEventsSchema = PaymentSchema.extend({
  events: z.array(PaymentEventSchema).openapi({ description: 'Every event of the payment, oldest first' }),
}).openapi('PaymentWithEvents');

export const PaymentPageSchema = pageOf(PaymentSchema, 'PaymentPage');
