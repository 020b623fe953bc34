// PayPal writes its dates in Pacific time with the zone named: `09:14:27 Mar 04, 2025 PST`.

const PACIFIC = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Los_Angeles',
  timeZoneName: 'short',
  hourCycle: 'h23',
  month: 'short',
  day: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export function paypalDate(instant: Date): string {
  const parts: Record<string, string> = {};
  for (const part of PACIFIC.formatToParts(instant)) parts[part.type] = part.value;
  return `${parts.hour}:${parts.minute}:${parts.second} ${parts.month} ${parts.day}, ${parts.year} ${parts.timeZoneName}`;
}

const DAY_MS = 86_400_000;

export function daysFrom(instant: Date, days: number): Date {
  return new Date(instant.getTime() + days * DAY_MS);
}
