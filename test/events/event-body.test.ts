import { describe, expect, it } from 'vitest';
import { formatTimestamp, serializeEvent } from '../../src/events/event-body';
import { completedPayment } from '../support/messages';

describe('event body', () => {
  it('formats timestamps as RFC 3339 in UTC to the second, for any year Date can hold', () => {
    expect(formatTimestamp(new Date('2026-01-02T03:04:05.678Z'))).toBe('2026-01-02T03:04:05Z');
    expect(formatTimestamp(new Date('1999-12-31T23:59:59.999Z'))).toBe('1999-12-31T23:59:59Z');
    expect(formatTimestamp(new Date(Date.UTC(12345, 0, 1)))).toBe('+012345-01-01T00:00:00Z');
  });

  it('serializes the envelope in the documented key order, never superseded', () => {
    const receivedAt = new Date('2026-03-04T05:06:07.890Z');
    const body = JSON.parse(
      serializeEvent({
        id: 'evt_1',
        provider: 'paypal',
        account: 'default',
        channel: 'ipn',
        receivedAt,
        event: completedPayment('TX1'),
      }),
    );
    expect(Object.keys(body)).toEqual([
      'id',
      'type',
      'provider',
      'account',
      'channel',
      'livemode',
      'superseded',
      'occurred_at',
      'received_at',
      'data',
      'raw',
    ]);
    expect(body).toMatchObject({
      superseded: false,
      occurred_at: '2026-03-04T05:06:07Z',
      received_at: '2026-03-04T05:06:07Z',
    });
  });
});
