// How one email address can appear in what we store: verbatim in JSON (event bodies, JSON
// webhooks), and form-encoded in provider bodies (PayPal payer_email, 2Checkout CUSTOMEREMAIL)
// with or without the "@" escaped. Patterns are anchored on the delimiters around a value so
// erasing a@example.com does not touch ba@example.com.
import { createHash } from 'node:crypto';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** What logs and the audit log record instead of the address. */
export function emailDigest(email: string): string {
  return `sha256:${createHash('sha256').update(normalizeEmail(email)).digest('hex').slice(0, 16)}`;
}

function spellings(email: string): string[] {
  const plain = normalizeEmail(email);
  const encoded = encodeURIComponent(plain).toLowerCase();
  const encodedKeepAt = encoded.replace(/%40/g, '@');
  return [...new Set([plain, encoded, encodedKeepAt])];
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/** LIKE patterns (for lower(text)) matching the address as a whole JSON string or form value. */
export function emailLikePatterns(email: string): string[] {
  const patterns: string[] = [];
  for (const spelling of spellings(email)) {
    const value = escapeLike(spelling);
    patterns.push(`%"${value}"%`, `%=${value}&%`, `%=${value}`, `%=${value}\r\n%`, `%=${value}\n%`);
  }
  return patterns;
}

/** A case-insensitive regular expression for the address in free text (reasons, errors). */
export function emailRegExp(email: string): RegExp {
  const alternatives = spellings(email).map((spelling) => spelling.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(alternatives.join('|'), 'gi');
}
