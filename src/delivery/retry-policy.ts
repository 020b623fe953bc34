// When to try again: the configured schedule, with ±10 % jitter so a subscriber that comes back
// is not hit by every delivery at once, and the subscriber's Retry-After honoured between the
// scheduled delay and twice it (at least five minutes, at most a day).
const JITTER = 0.1;
const RETRY_AFTER_FLOOR_MS = 5 * 60_000;
const RETRY_AFTER_CEILING_MS = 24 * 3_600_000;

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

export function nextRetry(
  scheduleMs: number[],
  attemptsMade: number,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): RetryDecision {
  const scheduled = scheduleMs[attemptsMade - 1];
  if (scheduled === undefined) return { retry: false };
  let delayMs = scheduled * (1 - JITTER + 2 * JITTER * random());
  if (retryAfterMs !== null && retryAfterMs > delayMs) {
    const ceiling = Math.min(Math.max(2 * scheduled, RETRY_AFTER_FLOOR_MS), RETRY_AFTER_CEILING_MS);
    delayMs = Math.min(retryAfterMs, ceiling);
  }
  return { retry: true, delayMs: Math.round(delayMs) };
}
