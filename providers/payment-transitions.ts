// Building blocks for the providers' payment transition tables (see docs/payments.md).
import type { EventType, PaymentTransitions, TransitionRule } from './types';

/** A state a payment moves to once and never back; its amount is the payment's. */
export const step = (rank: number): TransitionRule => ({
  rank,
  repeatable: false,
  refund: false,
  carriesAmount: true,
});

/** Like a step, but about money that already moved (a reversal): the payment's amount stays. */
export const followUp = (rank: number): TransitionRule => ({
  rank,
  repeatable: false,
  refund: false,
  carriesAmount: false,
});

/** A refund: every distinct one counts and is delivered. */
export const refund = (rank: number): TransitionRule => ({
  rank,
  repeatable: true,
  refund: true,
  carriesAmount: false,
});

/** Repeatable but moves no money (a dispute per case). */
export const repeatable = (rank: number): TransitionRule => ({
  rank,
  repeatable: true,
  refund: false,
  carriesAmount: false,
});

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** "-12.50" → "12.50"; null for anything that is not a plain decimal. */
export function absoluteDecimal(amount: string | null): string | null {
  if (amount === null || !DECIMAL.test(amount)) return null;
  return amount.startsWith('-') ? amount.slice(1) : amount;
}

/** Where a payment stands, as far as the transition table is concerned. */
export interface PaymentPosition {
  state: EventType;
  rank: number;
  /** `type|occurrence` of the repeatable events already seen. */
  occurrences: ReadonlySet<string>;
}

export type TransitionOutcome =
  /** Not a payment event: stored and delivered as always. */
  | { effect: 'none' }
  /** Delivered; the payment now stands at `position`. */
  | { effect: 'applied'; position: PaymentPosition }
  /** Stored with superseded: true, not delivered; the payment is unchanged. */
  | { effect: 'superseded' };

/**
 * The transition rule in plain code: what the ingest SQL (src/payments/payment-sql.ts) decides
 * against the locked payment row. Used by the tests and to document the tables.
 */
export function applyTransition(
  transitions: PaymentTransitions,
  position: PaymentPosition | null,
  type: EventType,
  occurrence = '',
): TransitionOutcome {
  const rule = transitions.rules[type];
  if (!rule) return { effect: 'none' };
  const key = `${type}|${occurrence}`;
  if (rule.repeatable ? position?.occurrences.has(key) : position !== null && rule.rank <= position.rank) {
    return { effect: 'superseded' };
  }
  const occurrences = new Set(position?.occurrences);
  if (rule.repeatable) occurrences.add(key);
  const forward = position === null || rule.rank > position.rank;
  return {
    effect: 'applied',
    position: forward ? { state: type, rank: rule.rank, occurrences } : { ...position, occurrences },
  };
}

function ruleWords(rule: TransitionRule): string {
  if (rule.refund)
    return 'repeatable: each new refund is delivered and adds to `refunded_amount`; the same refund again is superseded';
  if (rule.repeatable)
    return 'repeatable: each new occurrence is delivered; the same one again is superseded';
  const amount = rule.carriesAmount ? '; sets the payment amount' : '';
  return `moves forward from a lower rank; superseded at this rank or above${amount}`;
}

/** The table as documented in docs/payments.md (a test keeps the two equal). */
export function transitionTable(transitions: PaymentTransitions): string {
  const rows = Object.entries(transitions.rules)
    .flatMap(([type, rule]) => (rule ? [[type, rule] as const] : []))
    .sort(([, a], [, b]) => a.rank - b.rank)
    .map(([type, rule]) => `| \`${type}\` | ${rule.rank} | ${ruleWords(rule)} |`);
  return ['| event type | rank | what happens |', '|---|---|---|', ...rows].join('\n');
}
