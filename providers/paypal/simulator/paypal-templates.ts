// The catalog of simulated PayPal IPNs: one template per message kind, with the event type the
// gateway must make of it.
import type { PaypalTemplate } from './paypal-fields';
import { cartPayment, moneyFollowUp, newCase, oneOffPayment } from './paypal-payment-fields';
import { profileNotice, recurringPayment, subscrNotice, subscrPayment } from './paypal-subscription-fields';

export type { PaypalTemplate } from './paypal-fields';

export const PAYPAL_TEMPLATES: readonly PaypalTemplate[] = [
  {
    name: 'web_accept',
    eventType: 'payment.completed',
    summary: 'Buy Now payment, Completed',
    fields: oneOffPayment({ txnType: 'web_accept', status: 'Completed' }),
  },
  {
    name: 'express_checkout',
    eventType: 'payment.completed',
    summary: 'Express Checkout payment, Completed',
    fields: oneOffPayment({ txnType: 'express_checkout', status: 'Completed' }),
  },
  { name: 'cart', eventType: 'payment.completed', summary: 'two-item cart, Completed', fields: cartPayment },
  {
    name: 'pending',
    eventType: 'payment.pending',
    summary: 'web_accept, Pending (echeck)',
    fields: oneOffPayment({
      txnType: 'web_accept',
      status: 'Pending',
      pendingReason: 'echeck',
      paymentType: 'echeck',
    }),
  },
  {
    name: 'denied',
    eventType: 'payment.denied',
    summary: 'web_accept, Denied',
    fields: oneOffPayment({ txnType: 'web_accept', status: 'Denied' }),
  },
  {
    name: 'failed',
    eventType: 'payment.failed',
    summary: 'web_accept, Failed (echeck)',
    fields: oneOffPayment({ txnType: 'web_accept', status: 'Failed', paymentType: 'echeck' }),
  },
  {
    name: 'refunded',
    eventType: 'payment.refunded',
    summary: 'Refunded, no txn_type, parent_txn_id',
    fields: moneyFollowUp('Refunded', 'refund'),
  },
  {
    name: 'reversed',
    eventType: 'payment.reversed',
    summary: 'Reversed (chargeback), parent_txn_id',
    fields: moneyFollowUp('Reversed', 'chargeback'),
  },
  {
    name: 'canceled_reversal',
    eventType: 'payment.reversal_canceled',
    summary: 'Canceled_Reversal, parent_txn_id',
    fields: moneyFollowUp('Canceled_Reversal', 'other'),
  },
  {
    name: 'recurring_payment_profile_created',
    eventType: 'subscription.created',
    summary: 'recurring payments profile created',
    fields: profileNotice('recurring_payment_profile_created', { profileStatus: 'Active' }),
  },
  {
    name: 'subscr_signup',
    eventType: 'subscription.created',
    summary: 'Standard subscription signup',
    fields: subscrNotice('subscr_signup'),
  },
  {
    name: 'subscr_payment',
    eventType: 'subscription.payment_succeeded',
    summary: 'Standard subscription payment, Completed',
    fields: subscrPayment,
  },
  {
    name: 'recurring_payment',
    eventType: 'subscription.payment_succeeded',
    summary: 'recurring profile payment, Completed',
    fields: recurringPayment,
  },
  {
    name: 'recurring_payment_skipped',
    eventType: 'subscription.payment_skipped',
    summary: 'recurring payment skipped',
    fields: profileNotice('recurring_payment_skipped', { profileStatus: 'Active' }),
  },
  {
    name: 'recurring_payment_failed',
    eventType: 'subscription.payment_failed',
    summary: 'recurring payment failed',
    fields: profileNotice('recurring_payment_failed', { profileStatus: 'Active', owing: true }),
  },
  {
    name: 'subscr_failed',
    eventType: 'subscription.payment_failed',
    summary: 'Standard subscription payment failed',
    fields: subscrNotice('subscr_failed'),
  },
  {
    name: 'recurring_payment_suspended_due_to_max_failed_payment',
    eventType: 'subscription.suspended',
    summary: 'profile suspended after the last failed payment',
    fields: profileNotice('recurring_payment_suspended_due_to_max_failed_payment', {
      profileStatus: 'Suspended',
      owing: true,
    }),
  },
  {
    name: 'recurring_payment_suspended',
    eventType: 'subscription.suspended',
    summary: 'profile suspended',
    fields: profileNotice('recurring_payment_suspended', { profileStatus: 'Suspended' }),
  },
  {
    name: 'recurring_payment_profile_cancel',
    eventType: 'subscription.cancelled',
    summary: 'recurring payments profile cancelled',
    fields: profileNotice('recurring_payment_profile_cancel', { profileStatus: 'Cancelled' }),
  },
  {
    name: 'subscr_cancel',
    eventType: 'subscription.cancelled',
    summary: 'Standard subscription cancelled',
    fields: subscrNotice('subscr_cancel'),
  },
  {
    name: 'subscr_modify',
    eventType: 'subscription.modified',
    summary: 'Standard subscription modified',
    fields: subscrNotice('subscr_modify'),
  },
  {
    name: 'recurring_payment_expired',
    eventType: 'subscription.expired',
    summary: 'recurring payments profile expired',
    fields: profileNotice('recurring_payment_expired', { profileStatus: 'Expired' }),
  },
  {
    name: 'subscr_eot',
    eventType: 'subscription.expired',
    summary: 'Standard subscription end of term',
    fields: subscrNotice('subscr_eot'),
  },
  {
    name: 'new_case',
    eventType: 'dispute.opened',
    summary: 'new dispute (case_type=dispute)',
    fields: newCase,
  },
];

/** By template name (`web_accept`, `refunded`, `new_case`) or event type (its first template above). */
export function findPaypalTemplate(type: string): PaypalTemplate | null {
  const wanted = type.trim().toLowerCase();
  return (
    PAYPAL_TEMPLATES.find((template) => template.name === wanted) ??
    PAYPAL_TEMPLATES.find((template) => template.eventType === wanted) ??
    null
  );
}
