// application/x-www-form-urlencoded, read the way provider listeners must read it:
// from the exact bytes, in wire order, `+` as space before percent-decoding, values kept as bytes
// until the caller decides on the charset. Nothing here ever re-encodes a body.
import { isAscii } from 'node:buffer';
import iconv from 'iconv-lite';

export interface FormField {
  name: string;
  value: Buffer;
}

export type FormParseResult = { ok: true; fields: FormField[] } | { ok: false; reason: string };

export interface FormLimits {
  maxFields: number;
}

export const DEFAULT_FORM_LIMITS: FormLimits = { maxFields: 2000 };

const PLUS = 0x2b;
const PERCENT = 0x25;
const AMPERSAND = 0x26;
const EQUALS = 0x3d;
const SPACE = 0x20;

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

/** Checks every byte once: printable ASCII only, and every `%` followed by two hex digits. */
function findMalformation(body: Buffer): string | null {
  for (let i = 0; i < body.length; i++) {
    const byte = body[i] as number;
    if (byte < 0x21 || byte > 0x7e) {
      return `byte 0x${byte.toString(16).padStart(2, '0')} at offset ${i} cannot appear in a form-encoded body`;
    }
    if (byte === PERCENT) {
      const high = body[i + 1];
      const low = body[i + 2];
      if (high === undefined || low === undefined || hexValue(high) < 0 || hexValue(low) < 0) {
        return `invalid percent-escape at offset ${i}`;
      }
      // No provider sends NUL, and nothing downstream (PostgreSQL text, JSON) can hold it.
      if (high === 0x30 && low === 0x30) return `NUL byte (%00) at offset ${i}`;
      i += 2;
    }
  }
  return null;
}

/** `+` → space, `%XX` → byte; input already validated by findMalformation. */
function decodeComponent(body: Buffer, start: number, end: number): Buffer {
  // Most components have nothing to decode: a view of the body, no copy (the profile showed
  // this function and its allocations among the top entries of ingest).
  let plain = true;
  for (let i = start; i < end; i++) {
    const byte = body[i] as number;
    if (byte === PLUS || byte === PERCENT) {
      plain = false;
      break;
    }
  }
  if (plain) return body.subarray(start, end);
  const out = Buffer.allocUnsafe(end - start);
  let length = 0;
  for (let i = start; i < end; i++) {
    const byte = body[i] as number;
    if (byte === PLUS) {
      out[length++] = SPACE;
    } else if (byte === PERCENT) {
      out[length++] = (hexValue(body[i + 1] as number) << 4) | hexValue(body[i + 2] as number);
      i += 2;
    } else {
      out[length++] = byte;
    }
  }
  return out.subarray(0, length);
}

/** Splits a raw form body into ordered fields (duplicates kept). Empty names are skipped, as PHP does. */
export function parseForm(body: Buffer, limits: FormLimits = DEFAULT_FORM_LIMITS): FormParseResult {
  if (body.length === 0) return { ok: false, reason: 'empty body' };
  const malformation = findMalformation(body);
  if (malformation) return { ok: false, reason: `not a well-formed form: ${malformation}` };

  const fields: FormField[] = [];
  let segmentStart = 0;
  while (segmentStart <= body.length) {
    let segmentEnd = body.indexOf(AMPERSAND, segmentStart);
    if (segmentEnd === -1) segmentEnd = body.length;
    if (segmentEnd > segmentStart) {
      let equals = body.indexOf(EQUALS, segmentStart);
      if (equals === -1 || equals > segmentEnd) equals = segmentEnd;
      const name = decodeComponent(body, segmentStart, equals).toString('latin1');
      if (name.length > 0) {
        if (fields.length >= limits.maxFields) {
          return { ok: false, reason: `too many fields (more than ${limits.maxFields})` };
        }
        const value = equals < segmentEnd ? decodeComponent(body, equals + 1, segmentEnd) : Buffer.alloc(0);
        fields.push({ name, value });
      }
    }
    segmentStart = segmentEnd + 1;
  }
  if (fields.length === 0) return { ok: false, reason: 'no form fields in body' };
  return { ok: true, fields };
}

export interface DecodedField {
  name: string;
  value: string;
}

export interface CharsetDecoding {
  fields: DecodedField[];
  /** The label actually used; differs from the requested one when it was unknown. */
  charset: string;
  charsetSupported: boolean;
}

const FALLBACK_CHARSET = 'windows-1252';

/** Normalizes PayPal-style labels (`KOI8_R`, `gb2312`) to what iconv-lite knows. */
function resolveCharset(label: string): string | null {
  const candidates = [label, label.replace(/_/g, '-')];
  for (const candidate of candidates) {
    if (iconv.encodingExists(candidate)) return candidate;
  }
  return null;
}

const ASCII_PROBE = Buffer.from(Array.from({ length: 0x7f }, (_, index) => index + 1));
const asciiCompatible = new Map<string, boolean>();

/** Whether `charset` reads every ASCII byte as itself (true of UTF-8 and the 8-bit charsets, not of UTF-16). */
function isAsciiCompatible(charset: string): boolean {
  let known = asciiCompatible.get(charset);
  if (known === undefined) {
    known = iconv.decode(ASCII_PROBE, charset) === ASCII_PROBE.toString('latin1');
    asciiCompatible.set(charset, known);
  }
  return known;
}

/** Decodes field names and values with `charset` (fallback windows-1252 when unknown or absent). */
export function decodeFields(fields: FormField[], charset: string | null): CharsetDecoding {
  const requested = charset?.trim() || FALLBACK_CHARSET;
  const resolved = resolveCharset(requested);
  const used = resolved ?? FALLBACK_CHARSET;
  // Most values are plain ASCII: read directly when the charset agrees with ASCII, skipping
  // iconv's per-call codec lookup and decoder objects.
  const asciiFast = isAsciiCompatible(used);
  return {
    fields: fields.map((field) => ({
      name: field.name,
      value:
        asciiFast && isAscii(field.value) ? field.value.toString('latin1') : iconv.decode(field.value, used),
    })),
    charset: used,
    charsetSupported: resolved !== null,
  };
}

/**
 * What `parseForm` reads, with names as latin1 and values as UTF-8 (2Checkout), read from one
 * string of the body: validated bytes are printable ASCII, the same in latin1 and UTF-8, so a
 * component without `+` or `%` is a slice of that string and needs no buffer of its own (the
 * 2Checkout profile had the per-component views and decodes as its largest part). Where the next
 * `+` and `%` are is tracked with `indexOf` as the components go by, rather than tested per
 * component (a regular expression per name and value was a fifth of this function).
 */
export function parseUtf8Form(
  body: Buffer,
  limits: FormLimits = DEFAULT_FORM_LIMITS,
): { ok: true; fields: DecodedField[] } | { ok: false; reason: string } {
  if (body.length === 0) return { ok: false, reason: 'empty body' };
  const malformation = findMalformation(body);
  if (malformation) return { ok: false, reason: `not a well-formed form: ${malformation}` };

  const text = body.toString('latin1');
  let nextPlus = text.indexOf('+');
  let nextPercent = text.indexOf('%');
  // Components come in order, so each search starts where the last one left off.
  const hasEscape = (start: number, end: number): boolean => {
    if (nextPlus !== -1 && nextPlus < start) nextPlus = text.indexOf('+', start);
    if (nextPercent !== -1 && nextPercent < start) nextPercent = text.indexOf('%', start);
    return (nextPlus !== -1 && nextPlus < end) || (nextPercent !== -1 && nextPercent < end);
  };
  const component = (start: number, end: number, encoding: BufferEncoding): string =>
    hasEscape(start, end) ? decodeComponent(body, start, end).toString(encoding) : text.slice(start, end);

  const fields: DecodedField[] = [];
  let segmentStart = 0;
  while (segmentStart <= text.length) {
    let segmentEnd = text.indexOf('&', segmentStart);
    if (segmentEnd === -1) segmentEnd = text.length;
    if (segmentEnd > segmentStart) {
      let equals = text.indexOf('=', segmentStart);
      if (equals === -1 || equals > segmentEnd) equals = segmentEnd;
      const name = component(segmentStart, equals, 'latin1');
      if (name.length > 0) {
        if (fields.length >= limits.maxFields) {
          return { ok: false, reason: `too many fields (more than ${limits.maxFields})` };
        }
        const value = equals < segmentEnd ? component(equals + 1, segmentEnd, 'utf8') : '';
        fields.push({ name, value });
      }
    }
    segmentStart = segmentEnd + 1;
  }
  if (fields.length === 0) return { ok: false, reason: 'no form fields in body' };
  return { ok: true, fields };
}

/** Groups PHP-style: `NAME[]` repeats become one array under `NAME` at its first position; a repeated plain key keeps its first position and last value. */
export function groupFields(fields: DecodedField[]): Array<[string, string | string[]]> {
  return [...groupFieldMap(fields)];
}

/** groupFields as a map by name (insertion order is the grouped order). */
export function groupFieldMap(fields: DecodedField[]): Map<string, string | string[]> {
  const grouped = new Map<string, string | string[]>();
  for (const { name, value } of fields) {
    if (name.endsWith('[]')) {
      const key = name.slice(0, -2);
      const existing = grouped.get(key);
      if (Array.isArray(existing)) existing.push(value);
      else grouped.set(key, [value]);
    } else {
      grouped.set(name, value);
    }
  }
  return grouped;
}

/** The `raw` object of an event. */
export function toRawFields(grouped: Array<[string, string | string[]]>): Record<string, string | string[]> {
  // No prototype: a field named `__proto__` must stay a field.
  const raw: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of grouped) raw[name] = value;
  return raw;
}

/** First scalar value of a field, for reading fields straight from the undecoded list. */
export function firstValue(fields: FormField[], name: string): Buffer | undefined {
  return fields.find((field) => field.name === name)?.value;
}
