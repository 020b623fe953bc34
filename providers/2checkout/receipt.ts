// The read receipt 2Checkout expects back; without a valid one it retries for two days.
import type { KeyObject } from 'node:crypto';
import type { MessageKind } from '../types';
import { fieldMap, type GroupedFields, list, scalar } from './fields';
import { hmacHex, lengthPrefixed, type SignatureAlgorithm } from './signature';

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** `YmdHis` in UTC, always 14 digits (PHP's `YmdGis` in some samples drops a digit before 10:00). */
export function receiptDate(now: Date): string {
  return (
    pad(now.getUTCFullYear(), 4) +
    pad(now.getUTCMonth() + 1, 2) +
    pad(now.getUTCDate(), 2) +
    pad(now.getUTCHours(), 2) +
    pad(now.getUTCMinutes(), 2) +
    pad(now.getUTCSeconds(), 2)
  );
}

/** The values the receipt HMAC covers, before DATE; first array elements exactly as received. */
export function receiptValues(kind: MessageKind, fields: GroupedFields, byName = fieldMap(fields)): string[] {
  if (kind === 'ipn') {
    return [
      list(byName, 'IPN_PID')[0] ?? '',
      list(byName, 'IPN_PNAME')[0] ?? '',
      scalar(byName, 'IPN_DATE') ?? '',
    ];
  }
  return [scalar(byName, 'LICENSE_CODE') ?? '', scalar(byName, 'EXPIRATION_DATE') ?? ''];
}

export function receiptTag(algorithm: SignatureAlgorithm, date: string, digest: string): string {
  return algorithm === 'md5'
    ? `<EPAYMENT>${date}|${digest}</EPAYMENT>`
    : `<sig algo="${algorithm}" date="${date}">${digest}</sig>`;
}

/** The receipt for `values` (see receiptValues) signed with the algorithm that was verified. */
export function buildReceipt(
  algorithm: SignatureAlgorithm,
  key: KeyObject,
  values: readonly string[],
  date: string,
): string {
  const source = [...values, date].map(lengthPrefixed).join('');
  return receiptTag(algorithm, date, hmacHex(algorithm, key, source));
}
