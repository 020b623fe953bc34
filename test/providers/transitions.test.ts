import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { twocheckoutTransitions } from '../../providers/2checkout/transitions';
import { applyTransition, type PaymentPosition, transitionTable } from '../../providers/payment-transitions';
import { paypalTransitions } from '../../providers/paypal/transitions';
import {
  EVENT_TYPES,
  type EventType,
  type NormalizedEvent,
  type PaymentTransitions,
} from '../../providers/types';

type Expected = 'not a payment event' | 'forward' | 'superseded' | 'distinct';

/** What each type does to a payment that stands at payment.completed. */
const AFTER_COMPLETED: Record<string, Record<EventType, Expected>> = {
  paypal: {
    'payment.pending': 'superseded',
    'payment.authorized': 'superseded',
    'payment.completed': 'superseded',
    'payment.failed': 'superseded',
    'payment.denied': 'superseded',
    'payment.canceled': 'superseded',
    'payment.refunded': 'distinct',
    'payment.reversed': 'forward',
    'payment.reversal_canceled': 'forward',
    'subscription.created': 'not a payment event',
    'subscription.payment_succeeded': 'forward',
    'subscription.payment_skipped': 'not a payment event',
    'subscription.payment_failed': 'superseded',
    'subscription.suspended': 'not a payment event',
    'subscription.cancelled': 'not a payment event',
    'subscription.modified': 'not a payment event',
    'subscription.expired': 'not a payment event',
    'dispute.opened': 'distinct',
    'license.changed': 'not a payment event',
    'notification.unclassified': 'not a payment event',
  },
  '2checkout': {
    'payment.pending': 'superseded',
    'payment.authorized': 'superseded',
    'payment.completed': 'superseded',
    'payment.failed': 'not a payment event',
    'payment.denied': 'not a payment event',
    'payment.canceled': 'superseded',
    'payment.refunded': 'distinct',
    'payment.reversed': 'forward',
    'payment.reversal_canceled': 'not a payment event',
    'subscription.created': 'not a payment event',
    'subscription.payment_succeeded': 'not a payment event',
    'subscription.payment_skipped': 'not a payment event',
    'subscription.payment_failed': 'not a payment event',
    'subscription.suspended': 'not a payment event',
    'subscription.cancelled': 'not a payment event',
    'subscription.modified': 'not a payment event',
    'subscription.expired': 'not a payment event',
    'dispute.opened': 'not a payment event',
    'license.changed': 'not a payment event',
    'notification.unclassified': 'not a payment event',
  },
};

const TABLES: Record<string, PaymentTransitions> = {
  paypal: paypalTransitions,
  '2checkout': twocheckoutTransitions,
};

const completed = (transitions: PaymentTransitions): PaymentPosition => ({
  state: 'payment.completed',
  rank: transitions.rules['payment.completed']?.rank ?? Number.NaN,
  occurrences: new Set(),
});

function outcome(transitions: PaymentTransitions, type: EventType): Expected {
  const position = completed(transitions);
  const result = applyTransition(transitions, position, type, 'x');
  if (result.effect === 'none') return 'not a payment event';
  if (result.effect === 'superseded') return 'superseded';
  return transitions.rules[type]?.repeatable ? 'distinct' : 'forward';
}

function event(
  type: EventType,
  data: Partial<NormalizedEvent['data']>,
  raw: NormalizedEvent['raw'] = {},
): NormalizedEvent {
  return {
    type,
    livemode: true,
    occurredAt: null,
    raw,
    data: {
      transaction_id: null,
      parent_transaction_id: null,
      order_id: null,
      subscription_id: null,
      provider_status: null,
      amount: null,
      currency: null,
      fee: null,
      customer: { email: null, first_name: null, last_name: null, country: null },
      items: [],
      reason: null,
      receiver: null,
      ...data,
    },
  };
}

describe.each(Object.entries(TABLES))('%s transition table', (provider, transitions) => {
  it.each([...EVENT_TYPES])('%s after payment.completed', (type) => {
    expect(Object.hasOwn(transitions.rules, type)).toBe(true);
    expect(outcome(transitions, type)).toBe(AFTER_COMPLETED[provider]?.[type]);
  });

  it('gives every payment type its own rank, so the final state never depends on arrival order', () => {
    const ranks = Object.values(transitions.rules).flatMap((rule) => (rule ? [rule.rank] : []));
    expect(new Set(ranks).size).toBe(ranks.length);
  });

  it('moves a payment only forward: a type is superseded after any type ranked at or above it', () => {
    const types = EVENT_TYPES.filter(
      (type) => transitions.rules[type] && !transitions.rules[type]?.repeatable,
    );
    for (const first of types) {
      const start = applyTransition(transitions, null, first);
      if (start.effect !== 'applied') throw new Error(`${first} did not start a payment`);
      for (const second of types) {
        const next = applyTransition(transitions, start.position, second);
        const higher = (transitions.rules[second]?.rank ?? 0) > (transitions.rules[first]?.rank ?? 0);
        expect([first, second, next.effect]).toEqual([first, second, higher ? 'applied' : 'superseded']);
      }
    }
  });

  it('reaches the same state whatever the order of a set of events', () => {
    const types = EVENT_TYPES.filter((type) => transitions.rules[type]);
    const finalState = (order: EventType[]) => {
      let position: PaymentPosition | null = null;
      for (const type of order) {
        const result = applyTransition(transitions, position, type, 'same');
        if (result.effect === 'applied') position = result.position;
      }
      return position?.state;
    };
    const forward = finalState(types);
    for (let round = 0; round < 50; round++) {
      const shuffled = [...types].sort(() => (Math.random() < 0.5 ? -1 : 1));
      expect(finalState(shuffled)).toBe(forward);
    }
  });

  it('keeps distinct refunds distinct and a repeated one superseded', () => {
    const position = completed(transitions);
    const first = applyTransition(transitions, position, 'payment.refunded', 'R1|5.00');
    if (first.effect !== 'applied') throw new Error('first refund not applied');
    expect(first.position.state).toBe('payment.refunded');
    const second = applyTransition(transitions, first.position, 'payment.refunded', 'R2|2.00');
    expect(second.effect).toBe('applied');
    expect(applyTransition(transitions, first.position, 'payment.refunded', 'R1|5.00').effect).toBe(
      'superseded',
    );
  });

  it('is documented in docs/payments.md', () => {
    // Compared without the padding a markdown formatter adds to tables.
    const plain = (markdown: string) => markdown.replace(/ *\| */g, '|').replace(/-{3,}/g, '---');
    expect(plain(readFileSync('docs/payments.md', 'utf8'))).toContain(plain(transitionTable(transitions)));
  });
});

describe('occurrences', () => {
  it('PayPal: a refund is its own transaction and amount; a dispute is its case', () => {
    const refund = event('payment.refunded', {
      transaction_id: 'R1',
      parent_transaction_id: 'P',
      amount: '-5.00',
    });
    expect(paypalTransitions.occurrenceOf(refund)).toBe('R1|5.00');
    expect(
      paypalTransitions.occurrenceOf(event('dispute.opened', { transaction_id: 'P' }, { case_id: 'PP-D-1' })),
    ).toBe('case:PP-D-1');
  });

  it('2Checkout: a refund of an order is told apart by its amount', () => {
    const refund = event('payment.refunded', { transaction_id: '731002001', amount: '-12.00' });
    expect(twocheckoutTransitions.occurrenceOf(refund)).toBe('|12.00');
  });
});
