import { sha256Hex } from '../digest';
import type { MessageKind } from '../types';

// A retried IPN differs only in IPN_DATE; anything else that differs (another partial refund,
// another status) is another notification and keeps its own key.
const IPN_RETRY_VARIANT: ReadonlySet<string> = new Set(['IPN_DATE']);
const NOTHING: ReadonlySet<string> = new Set();

/** The fields left out of a message's key source (see idempotencyKey). */
export function keyOmits(kind: MessageKind): ReadonlySet<string> {
  return kind === 'ipn' ? IPN_RETRY_VARIANT : NOTHING;
}

/** `keySource`: the signature source without `keyOmits(kind)`'s fields. */
export function idempotencyKey(kind: MessageKind, keySource: string): string {
  return `2co:${kind}:${sha256Hex(keySource)}`;
}
