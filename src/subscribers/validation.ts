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
