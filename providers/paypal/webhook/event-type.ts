// Webhook event types → the shared vocabulary (docs/contract.md section 9). Exact names first, then the
// `*.PENDING`-style suffix rules; anything else is unclassified.
import type { EventType } from '../../types';

const EXACT: Readonly<Record<string, EventType>> = {
  'PAYMENT.CAPTURE.COMPLETED': 'payment.completed',
  'PAYMENT.SALE.COMPLETED': 'payment.completed',
  'PAYMENT.CAPTURE.DECLINED': 'payment.denied',
  'PAYMENT.AUTHORIZATION.CREATED': 'payment.authorized',
  'PAYMENT.AUTHORIZATION.VOIDED': 'payment.canceled',
  'BILLING.SUBSCRIPTION.CREATED': 'subscription.created',
  'BILLING.SUBSCRIPTION.ACTIVATED': 'subscription.created',
  'BILLING.SUBSCRIPTION.UPDATED': 'subscription.modified',
  'BILLING.SUBSCRIPTION.SUSPENDED': 'subscription.suspended',
  'BILLING.SUBSCRIPTION.CANCELLED': 'subscription.cancelled',
  'BILLING.SUBSCRIPTION.EXPIRED': 'subscription.expired',
  'BILLING.SUBSCRIPTION.PAYMENT.FAILED': 'subscription.payment_failed',
  'CUSTOMER.DISPUTE.CREATED': 'dispute.opened',
};

const SUFFIXES: ReadonlyArray<[string, EventType]> = [
  ['.PENDING', 'payment.pending'],
  ['.DENIED', 'payment.denied'],
  ['.REFUNDED', 'payment.refunded'],
  ['.REVERSED', 'payment.reversed'],
];

export function webhookEventType(eventType: string): EventType {
  const name = eventType.trim().toUpperCase();
  const exact = EXACT[name];
  if (exact) return exact;
  for (const [suffix, type] of SUFFIXES) if (name.endsWith(suffix)) return type;
  return 'notification.unclassified';
}
