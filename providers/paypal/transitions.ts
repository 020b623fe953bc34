// PayPal's payment transition table (docs/payments.md). A payment is keyed by txn_id; refunds,
// reversals and cases carry the payment's id in parent_txn_id (cases in txn_id).
import { absoluteDecimal, followUp, refund, repeatable, step } from '../payment-transitions';
import type { NormalizedEvent, PaymentTransitions } from '../types';

export const paypalTransitions: PaymentTransitions = {
  rules: {
    'payment.pending': step(10),
    'payment.authorized': step(20),
    'payment.failed': step(30),
    'payment.denied': step(31),
    'payment.canceled': step(32),
    'subscription.payment_failed': step(33),
    'payment.completed': step(40),
    'subscription.payment_succeeded': step(41),
    'payment.refunded': refund(50),
    'dispute.opened': repeatable(60),
    'payment.reversed': followUp(70),
    'payment.reversal_canceled': followUp(80),
    'subscription.created': null,
    'subscription.payment_skipped': null,
    'subscription.suspended': null,
    'subscription.cancelled': null,
    'subscription.modified': null,
    'subscription.expired': null,
    'license.changed': null,
    'notification.unclassified': null,
  },
  occurrenceOf(event: NormalizedEvent): string {
    if (event.type === 'dispute.opened') {
      const caseId = event.raw.case_id;
      return `case:${typeof caseId === 'string' ? caseId : ''}`;
    }
    // A refund is its own transaction; the same refund by IPN and by webhook has the same id.
    return `${event.data.transaction_id ?? ''}|${absoluteDecimal(event.data.amount) ?? ''}`;
  },
};
