// A verified webhook as the shared payment event (docs/contract.md section 9).
import type { EventData, EventType, NormalizedEvent } from '../../types';
import { webhookEventType } from './event-type';
import { isObject, type JsonObject, textAt, type WebhookEnvelope } from './parse';

const NEGATIVE: ReadonlySet<EventType> = new Set(['payment.refunded', 'payment.reversed']);

/** Refunds and reversals point at the capture (or sale) they undo. */
function parentTransactionId(resource: JsonObject): string | null {
  const saleId = textAt(resource, 'sale_id') ?? textAt(resource, 'capture_id');
  if (saleId) return saleId;
  const links = Array.isArray(resource.links) ? resource.links : [];
  for (const link of links) {
    if (isObject(link) && link.rel === 'up' && typeof link.href === 'string') {
      const id = link.href.replace(/\/+$/, '').split('/').pop();
      if (id) return id;
    }
  }
  return null;
}

function money(resource: JsonObject, type: EventType): { amount: string | null; currency: string | null } {
  const source = isObject(resource.amount)
    ? resource.amount
    : isObject(resource.dispute_amount)
      ? resource.dispute_amount
      : {};
  const amount = textAt(source, 'value') ?? textAt(source, 'total');
  const currency = textAt(source, 'currency_code') ?? textAt(source, 'currency');
  // As in section 3, money going back to the buyer is negative.
  const signed = amount !== null && NEGATIVE.has(type) && !amount.startsWith('-') ? `-${amount}` : amount;
  return { amount: signed, currency };
}

function transactionIds(
  webhook: WebhookEnvelope,
  type: EventType,
): { transaction: string | null; parent: string | null; subscription: string | null } {
  const { resource } = webhook;
  const name = webhook.eventType.toUpperCase();
  if (name.startsWith('BILLING.SUBSCRIPTION.')) {
    return { transaction: null, parent: null, subscription: textAt(resource, 'id') };
  }
  if (name.startsWith('CUSTOMER.DISPUTE.')) {
    return {
      transaction: textAt(resource, 'disputed_transactions', 0, 'seller_transaction_id'),
      parent: null,
      subscription: null,
    };
  }
  return {
    transaction: textAt(resource, 'id'),
    parent: NEGATIVE.has(type) ? parentTransactionId(resource) : textAt(resource, 'parent_payment'),
    subscription: textAt(resource, 'billing_agreement_id'),
  };
}

function customerOf(resource: JsonObject): EventData['customer'] {
  const person = isObject(resource.subscriber)
    ? resource.subscriber
    : isObject(resource.payer)
      ? resource.payer
      : {};
  return {
    email: textAt(person, 'email_address'),
    first_name: textAt(person, 'name', 'given_name'),
    last_name: textAt(person, 'name', 'surname'),
    country:
      textAt(person, 'address', 'country_code') ??
      textAt(person, 'shipping_address', 'address', 'country_code'),
  };
}

function occurredAt(webhook: WebhookEnvelope): Date | null {
  const time = webhook.createTime === null ? Number.NaN : Date.parse(webhook.createTime);
  return Number.isNaN(time) ? null : new Date(time);
}

export function normalizeWebhook(webhook: WebhookEnvelope, livemode: boolean): NormalizedEvent {
  const type = webhookEventType(webhook.eventType);
  const { resource } = webhook;
  const ids = transactionIds(webhook, type);
  const { amount, currency } = money(resource, type);
  return {
    type,
    livemode,
    occurredAt: occurredAt(webhook),
    data: {
      transaction_id: ids.transaction,
      parent_transaction_id: ids.parent,
      order_id: textAt(resource, 'invoice_id'),
      subscription_id: ids.subscription,
      provider_status: textAt(resource, 'status') ?? webhook.eventType,
      amount,
      currency,
      fee:
        textAt(resource, 'seller_receivable_breakdown', 'paypal_fee', 'value') ??
        textAt(resource, 'transaction_fee', 'value'),
      customer: customerOf(resource),
      items: [],
      reason: textAt(resource, 'status_details', 'reason') ?? textAt(resource, 'reason'),
      // The merchant the money went to, as IPN's receiver_email / receiver_id.
      receiver: textAt(resource, 'payee', 'email_address') ?? textAt(resource, 'payee', 'merchant_id'),
    },
    raw: webhook.body,
  };
}
