// PayPal dates name their zone: `09:14:27 Mar 04, 2025 PST`. The IPN simulator sends JavaScript's
// `Fri Jun 09 2017 13:20:04 GMT-0400 (EDT)` instead, where an unescaped `+` arrives as a space.

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const NAMED_ZONES: Record<string, number> = { PST: -480, PDT: -420, GMT: 0, UTC: 0, Z: 0 };

const TIME = String.raw`(?<hour>\d{1,2}):(?<minute>\d{2}):(?<second>\d{2})`;
const MONTH = String.raw`(?<month>[a-z]{3})\.?`;

const FORMATS = [
  // `HH:MM:SS Mon DD, YYYY zone` (also `Mon. DD`): what PayPal sends.
  new RegExp(String.raw`^${TIME} ${MONTH} (?<day>\d{1,2}),? (?<year>\d{4}) (?<zone>.+)$`, 'i'),
  // `HH:MM:SS DD Mon YYYY zone`, seen on some accounts.
  new RegExp(String.raw`^${TIME} (?<day>\d{1,2}) ${MONTH} (?<year>\d{4}) (?<zone>.+)$`, 'i'),
  // `[Www] Mon DD YYYY HH:MM:SS zone [(name)]`: the simulator.
  new RegExp(
    String.raw`^(?:[a-z]{3},? )?${MONTH} (?<day>\d{1,2}),? (?<year>\d{4}) ${TIME} (?<zone>.+)$`,
    'i',
  ),
];

const OFFSET_ZONE = /^(?<prefix>GMT|UTC)? ?(?<sign>[+-])? ?(?<hours>\d{2}):?(?<minutes>\d{2})$/i;

/** Offset from UTC in minutes, or null for a zone we cannot place (e.g. a bare `EST`). */
function zoneOffsetMinutes(zoneText: string): number | null {
  const zone = zoneText.replace(/ ?\(.*\)$/, '');
  const named = NAMED_ZONES[zone.toUpperCase()];
  if (named !== undefined) return named;
  const parts = OFFSET_ZONE.exec(zone)?.groups;
  if (!parts) return null;
  const { prefix, sign } = parts;
  // A bare `0100` without `GMT` or a sign could mean anything.
  if (prefix === undefined && sign === undefined) return null;
  const hours = Number(parts.hours);
  const minutes = Number(parts.minutes);
  if (hours > 14 || minutes > 59) return null;
  // No sign after `GMT`: the `+` was sent unescaped and decoded as a space.
  return (sign === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/** Parses a PayPal date into a UTC instant; null when the text or its zone is not understood. */
export function parsePayPalDate(text: string | null): Date | null {
  if (text === null) return null;
  const normalized = text.trim().replace(/\s+/g, ' ');
  for (const format of FORMATS) {
    const parts = format.exec(normalized)?.groups;
    if (parts) return toUtc(parts);
  }
  return null;
}

function toUtc(parts: Record<string, string | undefined>): Date | null {
  const month = MONTHS.indexOf(parts.month?.toLowerCase() ?? '');
  const offset = zoneOffsetMinutes(parts.zone ?? '');
  if (month < 0 || offset === null) return null;
  const [year, day, hour, minute, second] = [
    parts.year,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  ].map(Number) as [number, number, number, number, number];
  if (hour > 23 || minute > 59 || second > 59) return null;
  const wallClock = Date.UTC(year, month, day, hour, minute, second);
  // Date.UTC rolls `Feb 30` over into March; refuse it instead.
  if (new Date(wallClock).getUTCDate() !== day) return null;
  return new Date(wallClock - offset * 60_000);
}
