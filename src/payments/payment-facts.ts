// What an event tells its payment, computed in JS from the provider's transition table; the
// decision itself is taken in SQL against the locked payment row (payment-sql.ts).
import { PROVIDER_PLUGINS } from '../../providers/index';
import { absoluteDecimal } from '../../providers/payment-transitions';
import type { NormalizedEvent, PaymentTransitions } from '../../providers/types';

/** Until accounts exist (docs/contract.md section 9), every payment belongs to this one. */
export const DEFAULT_ACCOUNT = 'default';

export interface PaymentFacts {
  account: string;
  /** The payment's transaction: parent_transaction_id for refunds, reversals and cases. */
  transactionId: string;
  rank: number;
  repeatable: boolean;
  refund: boolean;
  /** `type|occurrence` for repeatable events, else null. */
  occurrence: string | null;
  /** The positive amount a refund adds to refunded_amount. */
  refundAmount: string | null;
  /** The payment's own amount and currency; null for events about a part of it (refunds...). */
  amount: string | null;
  currency: string | null;
  email: string | null;
}

const TRANSITIONS: ReadonlyMap<string, PaymentTransitions> = new Map(
  PROVIDER_PLUGINS.flatMap((plugin) =>
    plugin.transitions ? [[plugin.id, plugin.transitions] as const] : [],
  ),
);

export function transitionsFor(providerId: string): PaymentTransitions | undefined {
  return TRANSITIONS.get(providerId);
}

/** Null when the event belongs to no payment (no transaction, or a type outside the table). */
export function paymentFacts(
  transitions: PaymentTransitions | undefined,
  event: NormalizedEvent,
  account: string = DEFAULT_ACCOUNT,
): PaymentFacts | null {
  const rule = transitions?.rules[event.type];
  const transactionId = event.data.parent_transaction_id ?? event.data.transaction_id;
  if (!transitions || !rule || transactionId === null) return null;
  return {
    account,
    transactionId,
    rank: rule.rank,
    repeatable: rule.repeatable,
    refund: rule.refund,
    occurrence: rule.repeatable ? `${event.type}|${transitions.occurrenceOf(event)}` : null,
    refundAmount: rule.refund ? absoluteDecimal(event.data.amount) : null,
    amount: rule.carriesAmount ? event.data.amount : null,
    currency: rule.carriesAmount ? event.data.currency : null,
    email: event.data.customer.email,
  };
}
