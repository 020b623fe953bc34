// Answers a plugin asked to keep (e.g. a signing certificate), by method and URL, for the time it
// asked. Bounded: the oldest entry goes first.
import type { NetworkAnswer } from '../../providers/types';

const MAX_ENTRIES = 256;

interface Entry {
  answer: NetworkAnswer;
  expiresAt: number;
}

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();

  get(key: string, now = Date.now()): NetworkAnswer | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.answer;
  }

  set(key: string, answer: NetworkAnswer, ttlMs: number, now = Date.now()): void {
    this.entries.delete(key);
    this.entries.set(key, { answer, expiresAt: now + ttlMs });
    if (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
