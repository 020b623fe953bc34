// Building blocks for the providers' payment transition tables (see docs/payments.md).
import type { TransitionRule } from './types';

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
