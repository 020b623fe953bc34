// Realistic PayPal webhook bodies for the simulator and tests, one per shared event type the
// webhook mapping produces. Amounts are strings, as PayPal sends them.
import { randomBytes } from 'node:crypto';
import type { EventType } from '../../types';

interface WebhookTemplate {
  eventType: string;
  resourceType: string;
  resource(ids: WebhookIds, money: { value: string; currency_code: string }): Record<string, unknown>;
}

export interface WebhookIds {
  /** The webhook's own id (`WH-...`): its dedupe key. */
  webhookId: string;
  /** Capture (or refund, authorization...) id: the transaction id IPN reports as `txn_id`. */
  resourceId: string;
  /** The capture a refund or reversal undoes. */
  captureId: string;
  subscriptionId: string;
  invoiceId: string;
}

const upLink = (captureId: string) => [
  { href: `https://api.paypal.com/v2/payments/captures/${captureId}`, rel: 'up', method: 'GET' },
];

const capture = (status: string) => (ids: WebhookIds, money: { value: string; currency_code: string }) => ({
  id: ids.resourceId,
  status,
  amount: money,
  invoice_id: ids.invoiceId,
  final_capture: true,
  seller_receivable_breakdown: {
    gross_amount: money,
    paypal_fee: { value: '0.98', currency_code: money.currency_code },
  },
  create_time: new Date().toISOString(),
});

const subscription = (status: string) => (ids: WebhookIds) => ({
  id: ids.subscriptionId,
  status,
  plan_id: 'P-5ML4271244454362WXNWU5NQ',
  subscriber: {
    email_address: 'buyer@example.com',
    name: { given_name: 'Test', surname: 'Buyer' },
  },
});

export const WEBHOOK_TEMPLATES: Partial<Record<EventType, WebhookTemplate>> = {
  'payment.completed': {
    eventType: 'PAYMENT.CAPTURE.COMPLETED',
    resourceType: 'capture',
    resource: capture('COMPLETED'),
  },
  'payment.pending': {
    eventType: 'PAYMENT.CAPTURE.PENDING',
    resourceType: 'capture',
    resource: capture('PENDING'),
  },
  'payment.denied': {
    eventType: 'PAYMENT.CAPTURE.DENIED',
    resourceType: 'capture',
    resource: capture('DENIED'),
  },
  'payment.refunded': {
    eventType: 'PAYMENT.CAPTURE.REFUNDED',
    resourceType: 'refund',
    resource: (ids, money) => ({
      id: ids.resourceId,
      status: 'COMPLETED',
      amount: money,
      invoice_id: ids.invoiceId,
      links: upLink(ids.captureId),
    }),
  },
  'payment.reversed': {
    eventType: 'PAYMENT.CAPTURE.REVERSED',
    resourceType: 'refund',
    resource: (ids, money) => ({
      id: ids.resourceId,
      status: 'COMPLETED',
      amount: money,
      links: upLink(ids.captureId),
    }),
  },
  'payment.authorized': {
    eventType: 'PAYMENT.AUTHORIZATION.CREATED',
    resourceType: 'authorization',
    resource: (ids, money) => ({
      id: ids.resourceId,
      status: 'CREATED',
      amount: money,
      invoice_id: ids.invoiceId,
    }),
  },
  'payment.canceled': {
    eventType: 'PAYMENT.AUTHORIZATION.VOIDED',
    resourceType: 'authorization',
    resource: (ids, money) => ({ id: ids.resourceId, status: 'VOIDED', amount: money }),
  },
  'subscription.created': {
    eventType: 'BILLING.SUBSCRIPTION.ACTIVATED',
    resourceType: 'subscription',
    resource: subscription('ACTIVE'),
  },
  'subscription.modified': {
    eventType: 'BILLING.SUBSCRIPTION.UPDATED',
    resourceType: 'subscription',
    resource: subscription('ACTIVE'),
  },
  'subscription.suspended': {
    eventType: 'BILLING.SUBSCRIPTION.SUSPENDED',
    resourceType: 'subscription',
    resource: subscription('SUSPENDED'),
  },
  'subscription.cancelled': {
    eventType: 'BILLING.SUBSCRIPTION.CANCELLED',
    resourceType: 'subscription',
    resource: subscription('CANCELLED'),
  },
  'subscription.expired': {
    eventType: 'BILLING.SUBSCRIPTION.EXPIRED',
    resourceType: 'subscription',
    resource: subscription('EXPIRED'),
  },
  'subscription.payment_failed': {
    eventType: 'BILLING.SUBSCRIPTION.PAYMENT.FAILED',
    resourceType: 'subscription',
    resource: subscription('ACTIVE'),
  },
  'dispute.opened': {
    eventType: 'CUSTOMER.DISPUTE.CREATED',
    resourceType: 'dispute',
    resource: (ids, money) => ({
      dispute_id: `PP-D-${ids.resourceId}`,
      reason: 'MERCHANDISE_OR_SERVICE_NOT_RECEIVED',
      status: 'OPEN',
      dispute_amount: money,
      disputed_transactions: [{ seller_transaction_id: ids.captureId }],
    }),
  },
};

export const WEBHOOK_EVENT_TYPES = Object.keys(WEBHOOK_TEMPLATES) as EventType[];

const upper = (length: number) =>
  Array.from(randomBytes(length), (byte) => 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'[byte % 34]).join('');

export function randomWebhookIds(): WebhookIds {
  return {
    webhookId: `WH-${upper(17)}-${upper(17)}`,
    resourceId: upper(17),
    captureId: upper(17),
    subscriptionId: `I-${upper(12)}`,
    invoiceId: `INV-${upper(8)}`,
  };
}

export interface BuildWebhookOptions {
  type: EventType;
  ids?: WebhookIds;
  /** Decimal string, e.g. "20.00". */
  amount?: string;
  currency?: string;
  now?: Date;
}

/** The body as PayPal would send it, as bytes (these exact bytes get signed). */
export function buildWebhookBody(options: BuildWebhookOptions): {
  body: Buffer;
  ids: WebhookIds;
  eventType: string;
} {
  const template = WEBHOOK_TEMPLATES[options.type];
  if (!template) throw new Error(`no webhook template for ${options.type}`);
  const ids = options.ids ?? randomWebhookIds();
  const money = { value: options.amount ?? '20.00', currency_code: options.currency ?? 'USD' };
  const envelope = {
    id: ids.webhookId,
    event_version: '1.0',
    create_time: (options.now ?? new Date()).toISOString(),
    resource_type: template.resourceType,
    resource_version: '2.0',
    event_type: template.eventType,
    summary: `Simulated ${template.eventType}`,
    resource: template.resource(ids, money),
    links: [],
  };
  return { body: Buffer.from(JSON.stringify(envelope)), ids, eventType: template.eventType };
}
