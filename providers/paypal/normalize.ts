// A verified IPN as the shared payment event (docs/contract.md section 3, PayPal column).
import type { EventData, EventType, NormalizedEvent } from '../types';
import { parsePayPalDate } from './dates';
import { classifyEventType } from './event-type';
import { itemsOf } from './items';
import { field, isSandboxMessage, keyword, type ParsedIpn } from './parse';

const SUBSCRIPTION_NOTICES = new Set(['subscr_signup', 'subscr_cancel', 'subscr_modify', 'subscr_eot']);

export function eventTypeOf(ipn: ParsedIpn): EventType {
  return classifyEventType({
    txnType: keyword(ipn, 'txn_type'),
    paymentStatus: keyword(ipn, 'payment_status'),
    caseType: keyword(ipn, 'case_type'),
  });
}

/** When the event happened; a case's `payment_date` is the disputed payment's, not the case's. */
function occurredAt(ipn: ParsedIpn, type: EventType): Date | null {
  if (type === 'dispute.opened') return parsePayPalDate(field(ipn, 'case_creation_date'));
  const paid = parsePayPalDate(field(ipn, 'payment_date'));
  if (paid !== null) return paid;
  const txnType = keyword(ipn, 'txn_type');
  if (txnType !== null && SUBSCRIPTION_NOTICES.has(txnType))
    return parsePayPalDate(field(ipn, 'subscr_date'));
  return null;
}

/** Older messages spell `multi-currency`; the documented value is `multi_currency`. */
function pendingReason(ipn: ParsedIpn): string | null {
  return field(ipn, 'pending_reason')?.replace(/-/g, '_') ?? null;
}

function dataOf(ipn: ParsedIpn): EventData {
  const get = (name: string) => field(ipn, name);
  return {
    transaction_id: get('txn_id'),
    parent_transaction_id: get('parent_txn_id'),
    order_id: get('invoice'),
    subscription_id: get('subscr_id') ?? get('recurring_payment_id'),
    provider_status: get('payment_status') ?? get('txn_type'),
    amount: get('mc_gross') ?? get('amount'),
    currency: get('mc_currency') ?? get('currency_code'),
    fee: get('mc_fee'),
    customer: {
      email: get('payer_email'),
      first_name: get('first_name'),
      last_name: get('last_name'),
      country: get('residence_country'),
    },
    items: itemsOf(ipn),
    reason: get('reason_code') ?? pendingReason(ipn),
    receiver: get('receiver_email') ?? get('receiver_id'),
  };
}

export function normalize(ipn: ParsedIpn): NormalizedEvent {
  const type = eventTypeOf(ipn);
  return {
    type,
    livemode: !isSandboxMessage(ipn),
    occurredAt: occurredAt(ipn, type),
    data: dataOf(ipn),
    raw: ipn.raw,
  };
}
