// Reads an IPN body into decoded fields. Verification never uses this: it posts the raw bytes back.
import { decodeFields, firstValue, groupFields, parseForm, toRawFields } from '../form';
import type { RawFields } from '../types';

export interface ParsedIpn {
  /** Scalar fields by name; PayPal sends no `NAME[]` keys, so arrays only live in `raw`. */
  fields: ReadonlyMap<string, string>;
  raw: RawFields;
  /** The charset actually used to decode values. */
  charset: string;
  /** False when the body named a charset we cannot decode; windows-1252 was used instead. */
  charsetSupported: boolean;
}

export type IpnParseResult = { ok: true; ipn: ParsedIpn } | { ok: false; reason: string };

export function parseIpn(rawBody: Buffer): IpnParseResult {
  const form = parseForm(rawBody);
  if (!form.ok) return form;
  // The `charset` label itself is ASCII, so it can be read before anything is decoded.
  const charset = firstValue(form.fields, 'charset')?.toString('latin1') ?? null;
  const decoded = decodeFields(form.fields, charset);
  const grouped = groupFields(decoded.fields);
  const fields = new Map<string, string>();
  for (const [name, value] of grouped) {
    if (typeof value === 'string') fields.set(name, value);
  }
  return {
    ok: true,
    ipn: {
      fields,
      raw: toRawFields(grouped),
      charset: decoded.charset,
      charsetSupported: decoded.charsetSupported,
    },
  };
}

/** A field's value as sent, or null when it is missing or blank (PayPal sends many empty fields). */
export function field(ipn: ParsedIpn, name: string): string | null {
  const value = ipn.fields.get(name);
  return value === undefined || value.trim() === '' ? null : value;
}

/** A field compared as a vocabulary word: trimmed and lower-cased. */
export function keyword(ipn: ParsedIpn, name: string): string | null {
  return field(ipn, name)?.trim().toLowerCase() ?? null;
}

/** Sandbox messages carry `test_ipn=1`; anything else is live. */
export function isSandboxMessage(ipn: ParsedIpn): boolean {
  return field(ipn, 'test_ipn')?.trim() === '1';
}
