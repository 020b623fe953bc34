// The mapping table of docs/protocols/paypal-ipn.md 6.2, row for row; the first matching row wins.
// Rows that map to types outside the shared vocabulary (dispute.resolved, billing_agreement.*,
// payout.*, paypal.unhandled) become notification.unclassified.
import type { EventType } from '../types';

export interface ClassifierInput {
  /** Lower-cased; null when absent or blank. */
  txnType: string | null;
  paymentStatus: string | null;
  caseType: string | null;
}

const ANY = 'any';
const ABSENT = null;
type Match = typeof ANY | ReadonlySet<string | null>;

interface Row {
  txnTypes: Match;
  statuses: Match;
  also?: (input: ClassifierInput) => boolean;
  type: EventType;
}

const UNCLASSIFIED: EventType = 'notification.unclassified';

function oneOf(...values: Array<string | null>): ReadonlySet<string | null> {
  return new Set(values.map((value) => value?.toLowerCase() ?? null));
}

const CASE_TYPES = oneOf('chargeback', 'complaint', 'dispute');
const SUBSCRIPTION_PAYMENTS = oneOf(
  'subscr_payment',
  'recurring_payment',
  'recurring_payment_outstanding_payment',
);
const ONE_OFF_PAYMENTS = oneOf(
  'web_accept',
  'cart',
  'express_checkout',
  'send_money',
  'virtual_terminal',
  'pro_hosted',
  'merch_pmt',
  'paypal_here',
  ABSENT,
);
const PENDING = oneOf('Pending', 'Created', 'Processed');

const ROWS: readonly Row[] = [
  /* 1 */ {
    txnTypes: oneOf('new_case'),
    statuses: ANY,
    also: ({ caseType }) => CASE_TYPES.has(caseType),
    type: 'dispute.opened',
  },
  /* 2 */ {
    txnTypes: oneOf(ABSENT),
    statuses: oneOf(ABSENT),
    also: ({ caseType }) => caseType !== null,
    type: 'dispute.opened',
  },
  /* 3 */ { txnTypes: oneOf('adjustment'), statuses: ANY, type: UNCLASSIFIED },
  /* 4 */ { txnTypes: ANY, statuses: oneOf('Refunded'), type: 'payment.refunded' },
  /* 5 */ { txnTypes: ANY, statuses: oneOf('Reversed'), type: 'payment.reversed' },
  /* 6 */ { txnTypes: ANY, statuses: oneOf('Canceled_Reversal'), type: 'payment.reversal_canceled' },
  /* 7 */ {
    txnTypes: oneOf('subscr_signup', 'recurring_payment_profile_created'),
    statuses: oneOf(ABSENT),
    type: 'subscription.created',
  },
  /* 8 */ {
    txnTypes: oneOf('subscr_cancel', 'recurring_payment_profile_cancel'),
    statuses: oneOf(ABSENT),
    type: 'subscription.cancelled',
  },
  /* 9 */ {
    txnTypes: oneOf('subscr_eot', 'recurring_payment_expired'),
    statuses: oneOf(ABSENT),
    type: 'subscription.expired',
  },
  /* 10 */ {
    txnTypes: oneOf('subscr_modify', 'recurring_payment_profile_modify'),
    statuses: oneOf(ABSENT),
    type: 'subscription.modified',
  },
  /* 11 */ {
    txnTypes: oneOf('recurring_payment_skipped'),
    statuses: oneOf(ABSENT),
    type: 'subscription.payment_skipped',
  },
  /* 12 */ {
    txnTypes: oneOf(
      'subscr_failed',
      'recurring_payment_failed',
      'recurring_payment_outstanding_payment_failed',
    ),
    statuses: ANY,
    type: 'subscription.payment_failed',
  },
  /* 13 */ {
    txnTypes: oneOf('recurring_payment_suspended', 'recurring_payment_suspended_due_to_max_failed_payment'),
    statuses: oneOf(ABSENT),
    type: 'subscription.suspended',
  },
  /* 14 */ {
    txnTypes: SUBSCRIPTION_PAYMENTS,
    statuses: oneOf('Completed'),
    type: 'subscription.payment_succeeded',
  },
  /* 15 */ { txnTypes: SUBSCRIPTION_PAYMENTS, statuses: PENDING, type: 'payment.pending' },
  /* 16 */ {
    txnTypes: SUBSCRIPTION_PAYMENTS,
    statuses: oneOf('Failed', 'Denied'),
    type: 'subscription.payment_failed',
  },
  /* 17 */ { txnTypes: ONE_OFF_PAYMENTS, statuses: oneOf('Completed'), type: 'payment.completed' },
  /* 18 */ { txnTypes: ONE_OFF_PAYMENTS, statuses: PENDING, type: 'payment.pending' },
  /* 19 */ { txnTypes: ONE_OFF_PAYMENTS, statuses: oneOf('Failed'), type: 'payment.failed' },
  /* 20 */ { txnTypes: ONE_OFF_PAYMENTS, statuses: oneOf('Expired', 'Voided'), type: 'payment.failed' },
  /* 21 */ { txnTypes: ONE_OFF_PAYMENTS, statuses: oneOf('Denied'), type: 'payment.denied' },
  /* 22 */ { txnTypes: oneOf('mp_signup', 'mp_cancel'), statuses: ANY, type: UNCLASSIFIED },
  /* 23 */ { txnTypes: oneOf('masspay', 'payout'), statuses: ANY, type: UNCLASSIFIED },
];

function matches(match: Match, value: string | null): boolean {
  return match === ANY || match.has(value);
}

export function classifyEventType(input: ClassifierInput): EventType {
  for (const row of ROWS) {
    if (matches(row.txnTypes, input.txnType) && matches(row.statuses, input.paymentStatus)) {
      if (!row.also || row.also(input)) return row.type;
    }
  }
  /* 24 */ return UNCLASSIFIED;
}
