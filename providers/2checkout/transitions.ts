// 2Checkout's payment transition table (docs/payments.md). Every IPN of an order carries its
// REFNO, refunds included, and 2Checkout gives a refund no id of its own: two refunds of one order
// are told apart by their amount.
import { absoluteDecimal, followUp, refund, step } from '../payment-transitions';
import type { NormalizedEvent, PaymentTransitions } from '../types';

export const twocheckoutTransitions: PaymentTransitions = {
  rules: {
    'payment.pending': step(10),
    'payment.authorized': step(20),
    'payment.canceled': step(32),
    'payment.completed': step(40),
    'payment.refunded': refund(50),
    'payment.reversed': followUp(70),
    // Types 2Checkout never produces, and the license notifications (no transaction).
    'payment.failed': null,
    'payment.denied': null,
    'payment.reversal_canceled': null,
    'subscription.created': null,
    'subscription.payment_succeeded': null,
    'subscription.payment_skipped': null,
    'subscription.payment_failed': null,
    'subscription.suspended': null,
    'subscription.cancelled': null,
    'subscription.modified': null,
    'subscription.expired': null,
    'dispute.opened': null,
    'license.changed': null,
    'notification.unclassified': null,
  },
  occurrenceOf(event: NormalizedEvent): string {
    return `|${absoluteDecimal(event.data.amount) ?? ''}`;
  },
};
