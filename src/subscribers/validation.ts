// Rules for what a subscriber may be configured with, shared by the API schemas and the service.
import { EVENT_TYPES } from '../../providers/types';
import { ACCOUNT_NAME } from '../config/accounts-file';

/** A provider account name as ACCOUNTS_FILE allows it (or `default`). */
export function isAccountName(value: string): boolean {
  return ACCOUNT_NAME.test(value);
}

export function isWebhookUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}

/** `<family>.*` families: every dotted prefix of a known type (`payment`, `subscription`, ...). */
const EVENT_TYPE_FAMILIES = new Set(
  EVENT_TYPES.flatMap((type) => {
    const parts = type.split('.');
    return parts.slice(0, -1).map((_, index) => parts.slice(0, index + 1).join('.'));
  }),
);

const KNOWN_TYPES = new Set<string>(EVENT_TYPES);

/** An exact event type, or `<family>.*` (matched by the ingest's `starts_with` on `<family>.`). */
export function isEventTypeFilter(value: string): boolean {
  if (KNOWN_TYPES.has(value)) return true;
  return value.endsWith('.*') && EVENT_TYPE_FAMILIES.has(value.slice(0, -2));
}

/** Index and value of every provider id that is not known. */
export function unknownProviders(providers: string[], knownIds: readonly string[]): [number, string][] {
  return providers.flatMap((provider, index): [number, string][] =>
    knownIds.includes(provider) ? [] : [[index, provider]],
  );
}

export const MAX_SUBSCRIBER_HEADERS = 10;
export const MAX_HEADER_VALUE_LENGTH = 2000;
const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Set by the gateway on every request: a subscriber may not override them.
const RESERVED_HEADERS = new Set(['content-type', 'host', 'content-length']);

/** Why a static header cannot be used, or null when it can. */
export function headerProblem(name: string, value: string): string | null {
  if (!HTTP_TOKEN.test(name)) return "header names must be HTTP tokens (letters, digits and !#$%&'*+.^_`|~-)";
  const lower = name.toLowerCase();
  if (RESERVED_HEADERS.has(lower) || lower.startsWith('webhook-')) {
    return `"${name}" is set by the gateway (content-type, host, content-length and webhook-* cannot be set)`;
  }
  if (/[\r\n\0]/.test(value)) return 'header values cannot contain line breaks or NUL';
  if (value.length > MAX_HEADER_VALUE_LENGTH)
    return `header values are at most ${MAX_HEADER_VALUE_LENGTH} characters`;
  return null;
}

/** Header names are case-insensitive: stored in lower case, so no two differ only by case. */
export function normalizeHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
