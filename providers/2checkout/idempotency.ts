import { createHash } from 'node:crypto';
import type { MessageKind } from '../types';
import type { GroupedFields } from './fields';
import { signatureSource } from './signature';

// A retried IPN differs only in IPN_DATE; anything else that differs (another partial refund,
// another status) is another notification and keeps its own key.
const IPN_RETRY_VARIANT: ReadonlySet<string> = new Set(['IPN_DATE']);

export function idempotencyKey(kind: MessageKind, fields: GroupedFields): string {
  const source = kind === 'ipn' ? signatureSource(fields, IPN_RETRY_VARIANT) : signatureSource(fields);
  return `2co:${kind}:${createHash('sha256').update(source, 'utf8').digest('hex')}`;
}
