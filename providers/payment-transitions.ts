// Building blocks for the providers' payment transition tables (see docs/payments.md).
import type { TransitionRule } from './types';

/** A state a payment moves to once and never back. */
export const step = (rank: number): TransitionRule => ({ rank, repeatable: false, refund: false });

/** A refund: every distinct one counts and is delivered. */
export const refund = (rank: number): TransitionRule => ({ rank, repeatable: true, refund: true });

/** Repeatable but moves no money (a dispute per case). */
export const repeatable = (rank: number): TransitionRule => ({ rank, repeatable: true, refund: false });

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** "-12.50" → "12.50"; null for anything that is not a plain decimal. */
export function absoluteDecimal(amount: string | null): string | null {
  if (amount === null || !DECIMAL.test(amount)) return null;
  return amount.startsWith('-') ? amount.slice(1) : amount;
}
