// Failed dashboard logins per client address: after FREE_FAILURES, an address may try again only
// after a delay that doubles with each failure (capped); earlier attempts are answered 429 without
// looking at the token. Kept in memory per process; a success clears the address.
const FREE_FAILURES = 5;
const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 60_000;
const FORGET_AFTER_MS = 15 * 60_000;
const MAX_TRACKED = 10_000;

interface Failures {
  count: number;
  lastAt: number;
}

export class LoginThrottle {
  private readonly failures = new Map<string, Failures>();

  /** Milliseconds this address must still wait before its next attempt (0: go ahead). */
  waitMs(address: string, now = Date.now()): number {
    const entry = this.failures.get(address);
    if (!entry || now - entry.lastAt > FORGET_AFTER_MS || entry.count < FREE_FAILURES) return 0;
    const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (entry.count - FREE_FAILURES));
    return Math.max(0, entry.lastAt + delay - now);
  }

  recordFailure(address: string, now = Date.now()): void {
    const entry = this.failures.get(address);
    const fresh = !entry || now - entry.lastAt > FORGET_AFTER_MS;
    this.failures.set(address, { count: fresh ? 1 : entry.count + 1, lastAt: now });
    if (this.failures.size > MAX_TRACKED) this.forgetOld(now);
  }

  recordSuccess(address: string): void {
    this.failures.delete(address);
  }

  private forgetOld(now: number): void {
    for (const [address, entry] of this.failures) {
      if (now - entry.lastAt > FORGET_AFTER_MS) this.failures.delete(address);
    }
    // Still full (a flood of addresses): start over rather than grow without bound.
    if (this.failures.size > MAX_TRACKED) this.failures.clear();
  }
}
