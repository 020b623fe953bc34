import type { EventData, NormalizedEvent } from '../../providers/types';

export interface EventEnvelope {
  id: string;
  provider: string;
  /** The provider account (`default` without ACCOUNTS_FILE). */
  account: string;
  /** How it arrived: the message kind (`ipn`, `lcn`, `webhook`...). */
  channel: string;
  receivedAt: Date;
  event: NormalizedEvent;
}

/** RFC 3339 in UTC with second precision, as in docs/contract.md section 3. */
export function formatTimestamp(date: Date): string {
  // toISOString always ends in `.sssZ` (a slice, not a regex: this runs twice per event).
  return `${date.toISOString().slice(0, -5)}Z`;
}

/**
 * The exact JSON every subscriber receives, serialized once: stored as text so every attempt and
 * every replay sends the same bytes in the documented key order.
 */
export function serializeEvent({ id, provider, account, channel, receivedAt, event }: EventEnvelope): string {
  const received = formatTimestamp(receivedAt);
  return JSON.stringify({
    id,
    type: event.type,
    provider,
    account,
    channel,
    livemode: event.livemode,
    // Superseded events are stored but never sent, so what subscribers receive always says false.
    superseded: false,
    occurred_at: event.occurredAt ? formatTimestamp(event.occurredAt) : received,
    received_at: received,
    data: orderedData(event.data),
    raw: event.raw,
  });
}

// Plugins build `data` in any order; subscribers see the documented one.
function orderedData(data: EventData): EventData {
  return {
    transaction_id: data.transaction_id,
    parent_transaction_id: data.parent_transaction_id,
    order_id: data.order_id,
    subscription_id: data.subscription_id,
    provider_status: data.provider_status,
    amount: data.amount,
    currency: data.currency,
    fee: data.fee,
    customer: {
      email: data.customer.email,
      first_name: data.customer.first_name,
      last_name: data.customer.last_name,
      country: data.customer.country,
    },
    items: data.items.map((item) => ({ name: item.name, quantity: item.quantity, amount: item.amount })),
    reason: data.reason,
    receiver: data.receiver,
  };
}
