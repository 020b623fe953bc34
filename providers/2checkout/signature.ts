// 2Checkout IPN/LCN request signatures: an HMAC over every posted value, each prefixed with its
// UTF-8 byte length (docs/protocols/2checkout-ipn-lcn.md section 2.1).
import { createHmac, type KeyObject, timingSafeEqual } from 'node:crypto';
import type { GroupedFields } from './fields';

export type SignatureAlgorithm = 'md5' | 'sha256' | 'sha3-256';

export type SignatureField = 'HASH' | 'SIGNATURE_SHA2_256' | 'SIGNATURE_SHA3_256';

/** Strongest first: only the first one present is ever checked. */
const SIGNATURES: ReadonlyArray<{ field: SignatureField; algorithm: SignatureAlgorithm }> = [
  { field: 'SIGNATURE_SHA3_256', algorithm: 'sha3-256' },
  { field: 'SIGNATURE_SHA2_256', algorithm: 'sha256' },
  { field: 'HASH', algorithm: 'md5' },
];

const SIGNATURE_FIELD_NAMES: ReadonlySet<string> = new Set(SIGNATURES.map((entry) => entry.field));

/** `<byte length><value>`: bytes, not characters, or non-ASCII names break the HMAC. */
export function lengthPrefixed(value: string): string {
  return `${Buffer.byteLength(value, 'utf8')}${value}`;
}

/** The signed string: every field in grouped order except the signatures (and `omit`). */
export function signatureSource(fields: GroupedFields, omit: ReadonlySet<string> = new Set()): string {
  return signatureSources(fields, omit).withoutOmitted;
}

/** The signed string, and the same without `omit`'s fields (the idempotency key's), in one pass. */
export function signatureSources(
  fields: GroupedFields,
  omit: ReadonlySet<string>,
): { signed: string; withoutOmitted: string } {
  let signed = '';
  let withoutOmitted = '';
  for (const [name, value] of fields) {
    if (SIGNATURE_FIELD_NAMES.has(name)) continue;
    let part = '';
    if (Array.isArray(value)) {
      for (const element of value) part += lengthPrefixed(element);
    } else {
      part = lengthPrefixed(value);
    }
    signed += part;
    if (!omit.has(name)) withoutOmitted += part;
  }
  return { signed, withoutOmitted };
}

export interface PresentedSignature {
  field: SignatureField;
  algorithm: SignatureAlgorithm;
  /** As posted; an array when the field was (oddly) sent as `NAME[]`, which never matches. */
  value: string | string[];
}

/** The strongest signature field present, even if empty: a weaker one must not stand in for it. */
export function strongestSignature(
  fields: GroupedFields,
  byName: ReadonlyMap<string, string | string[]> = new Map(fields),
): PresentedSignature | null {
  for (const { field, algorithm } of SIGNATURES) {
    const value = byName.get(field);
    if (value !== undefined) return { field, algorithm, value };
  }
  return null;
}

export function hmacHex(algorithm: SignatureAlgorithm, key: KeyObject, source: string): string {
  return createHmac(algorithm, key).update(source, 'utf8').digest('hex');
}

/** Constant-time, case-insensitive comparison of hex digests. */
export function digestsMatch(expectedHex: string, presented: string | string[]): boolean {
  if (typeof presented !== 'string') return false;
  const expected = Buffer.from(expectedHex, 'utf8');
  const actual = Buffer.from(presented.toLowerCase(), 'utf8');
  if (expected.length !== actual.length) return false;
  return timingSafeEqual(expected, actual);
}

/** `signed`: the fields' signatureSource. */
export function verifySignature(signed: string, signature: PresentedSignature, key: KeyObject): boolean {
  return digestsMatch(hmacHex(signature.algorithm, key, signed), signature.value);
}
