// Plain-text formatting for the pages: times in UTC, ages, durations, excerpts.

/** `2026-11-21 12:00:00` (UTC), or '—' without a time. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toISOString().replace('T', ' ').slice(0, 19);
}

const AGE_STEPS: Array<[limitSeconds: number, unitSeconds: number, unit: string]> = [
  [60, 1, 's'],
  [3600, 60, 'min'],
  [86_400, 3600, 'h'],
  [Number.POSITIVE_INFINITY, 86_400, 'd'],
];

/** `5 min ago`, `in 3 s`. */
export function relativeTime(iso: string, now = Date.now()): string {
  const deltaSeconds = Math.round((Date.parse(iso) - now) / 1000);
  const size = Math.abs(deltaSeconds);
  if (size < 2) return 'just now';
  const [, unitSeconds, unit] = AGE_STEPS.find(([limit]) => size < limit) ?? [0, 86_400, 'd'];
  const amount = Math.floor(size / unitSeconds);
  return deltaSeconds < 0 ? `${amount} ${unit} ago` : `in ${amount} ${unit}`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function excerpt(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars)}…`;
}

export function formatAmount(amount: string | null, currency: string | null): string {
  if (amount === null) return '—';
  return currency ? `${amount} ${currency}` : amount;
}

/** `<input type="datetime-local">` value (UTC) for a time. */
export function toDatetimeLocal(date: Date): string {
  return date.toISOString().slice(0, 16);
}

/** Reads a datetime-local value (taken as UTC) or a full ISO time; null when neither. */
export function parseUtcDatetime(value: string): Date | null {
  if (value === '') return null;
  const withZone = /(?:Z|[+-]\d\d:\d\d)$/i.test(value) ? value : `${value}Z`;
  const date = new Date(withZone);
  return Number.isNaN(date.getTime()) ? null : date;
}
