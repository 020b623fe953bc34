import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/delivery/http-sender';
import { nextRetry } from '../../src/delivery/retry-policy';
import { sign, webhookHeaders } from '../../src/delivery/signer';
import { generateSecret } from '../../src/subscribers/secrets';

const SCHEDULE = [5_000, 300_000, 1_800_000];

describe('retry policy', () => {
  it('follows the schedule: N delays allow N + 1 attempts', () => {
    const middle = () => 0.5;
    expect(nextRetry(SCHEDULE, 1, null, middle)).toEqual({ retry: true, delayMs: 5_000 });
    expect(nextRetry(SCHEDULE, 2, null, middle)).toEqual({ retry: true, delayMs: 300_000 });
    expect(nextRetry(SCHEDULE, 3, null, middle)).toEqual({ retry: true, delayMs: 1_800_000 });
    expect(nextRetry(SCHEDULE, 4, null, middle)).toEqual({ retry: false });
  });

  it('jitters by at most 10 %', () => {
    expect(nextRetry(SCHEDULE, 1, null, () => 0)).toEqual({ retry: true, delayMs: 4_500 });
    expect(nextRetry(SCHEDULE, 1, null, () => 0.999_999)).toEqual({ retry: true, delayMs: 5_500 });
  });

  it('honours Retry-After between the scheduled delay and max(2x, 5 min), never sooner', () => {
    const middle = () => 0.5;
    expect(nextRetry(SCHEDULE, 1, 1_000, middle)).toEqual({ retry: true, delayMs: 5_000 });
    expect(nextRetry(SCHEDULE, 1, 60_000, middle)).toEqual({ retry: true, delayMs: 60_000 });
    expect(nextRetry(SCHEDULE, 1, 3_600_000, middle)).toEqual({ retry: true, delayMs: 300_000 });
    expect(nextRetry(SCHEDULE, 3, 86_400_000 * 3, middle)).toEqual({ retry: true, delayMs: 3_600_000 });
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-11-21T12:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 12:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});

describe('Standard Webhooks signing', () => {
  const body = JSON.stringify({ id: 'evt_1', type: 'payment.completed' });
  const now = new Date();

  it('verifies with the standardwebhooks package', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const headers = webhookHeaders(
      { current: secret, previous: null, previousExpiresAt: null },
      'evt_1',
      body,
      now,
    );
    expect(headers['webhook-id']).toBe('evt_1');
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
  });

  it('signs with both secrets during a rotation, and only the new one after it', () => {
    const current = generateSecret();
    const previous = generateSecret();
    const during = webhookHeaders(
      { current, previous, previousExpiresAt: new Date(now.getTime() + 60_000) },
      'evt_1',
      body,
      now,
    );
    expect(during['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(() => new Webhook(current).verify(body, during)).not.toThrow();
    expect(() => new Webhook(previous).verify(body, during)).not.toThrow();
    const after = webhookHeaders(
      { current, previous, previousExpiresAt: new Date(now.getTime() - 1) },
      'evt_1',
      body,
      now,
    );
    expect(after['webhook-signature']?.split(' ')).toHaveLength(1);
    expect(() => new Webhook(previous).verify(body, after)).toThrow();
  });

  it('signs raw bytes exactly', () => {
    const secret = generateSecret();
    const raw = Buffer.from('first_name=Ren%E9e', 'latin1');
    const signature = sign(secret, 'evt_2', 1_700_000_000, raw);
    expect(signature).toBe(sign(secret, 'evt_2', 1_700_000_000, raw.toString('latin1')));
    expect(signature).not.toBe(sign(secret, 'evt_2', 1_700_000_001, raw));
  });
});
