import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, apiJson, createSubscriber } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fixture } from '../support/fixtures';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';

interface Attempt {
  number: number;
  status_code: number | null;
  error: string | null;
  response_body: string | null;
  trigger: string;
  duration_ms: number;
}
interface Delivery {
  id: string;
  status: string;
  subscriber_id: string;
  attempt_count: number;
  next_attempt_at: string | null;
  attempts: Attempt[];
}

const TIMEOUT_MS = 1000;

describe('retries, failure, manual retry and timeouts', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let flaky: RecordingServer;
  let broken: RecordingServer;
  let hanging: RecordingServer;
  let healthy: RecordingServer;
  const ids: Record<string, string> = {};

  async function deliveryOf(subscriber: string, eventId: string): Promise<Delivery> {
    const list = await apiJson<{ data: Delivery[] }>(
      gateway.url,
      `/deliveries?subscriber_id=${ids[subscriber]}&event_id=${eventId}`,
    );
    const found = list.data[0];
    if (!found) throw new Error(`no delivery for ${subscriber}`);
    return apiJson<Delivery>(gateway.url, `/deliveries/${found.id}`);
  }

  async function settledDelivery(subscriber: string, eventId: string): Promise<Delivery> {
    return waitFor(
      async () => {
        const delivery = await deliveryOf(subscriber, eventId);
        return delivery.status === 'pending' ? undefined : delivery;
      },
      { what: `${subscriber} delivery to settle`, timeoutMs: 15_000 },
    );
  }

  let eventId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(
      testConfig(database, { DELIVERY_RETRY_SCHEDULE: '100ms,100ms', DELIVERY_TIMEOUT: `${TIMEOUT_MS}ms` }),
      database,
    );
    flaky = await startRecordingServer((_request, index) =>
      index < 2 ? { status: 500, body: 'temporarily broken' } : { status: 200, body: 'ok' },
    );
    broken = await startRecordingServer(() => ({ status: 503, body: 'x'.repeat(10_000) }));
    hanging = await startRecordingServer(() => ({ status: 200, hang: true }));
    healthy = await startRecordingServer(() => ({ status: 204 }));
    ids.flaky = (await createSubscriber(gateway.url, { url: flaky.url })).id;
    ids.broken = (await createSubscriber(gateway.url, { url: broken.url })).id;
    ids.hanging = (await createSubscriber(gateway.url, { url: hanging.url })).id;
    ids.healthy = (await createSubscriber(gateway.url, { url: healthy.url })).id;

    expect((await gateway.post('/ipn/2checkout', fixture('2checkout', 'ipn-pending.txt'))).status).toBe(200);
    const events = await apiJson<{ data: Array<{ id: string }> }>(gateway.url, '/events');
    eventId = events.data[0]?.id as string;
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([flaky, broken, hanging, healthy].map((server) => server?.close()));
    await database?.drop();
  });

  it('a hanging subscriber does not hold up the others', async () => {
    await waitFor(() => healthy.received.length === 1, { what: 'the healthy subscriber', timeoutMs: 5000 });
    const healthyAt = healthy.received[0]?.receivedAt as number;
    const hangingAt = hanging.received[0]?.receivedAt ?? Number.POSITIVE_INFINITY;
    // It got its event without waiting for the hanging one's timeout.
    expect(healthyAt - Math.min(hangingAt, healthyAt)).toBeLessThan(TIMEOUT_MS / 2);
    expect((await settledDelivery('healthy', eventId)).status).toBe('succeeded');
  });

  it('500, 500, then 200 → three attempts recorded, succeeded', async () => {
    const delivery = await settledDelivery('flaky', eventId);
    expect(delivery.status).toBe('succeeded');
    expect(delivery.attempts.map((attempt) => attempt.status_code)).toEqual([500, 500, 200]);
    expect(delivery.attempts.map((attempt) => attempt.number)).toEqual([1, 2, 3]);
    expect(delivery.attempts[0]?.response_body).toBe('temporarily broken');
    expect(delivery.attempts.every((attempt) => attempt.trigger === 'scheduled')).toBe(true);
    expect(new Set(flaky.received.map((request) => request.headers['webhook-id']))).toEqual(
      new Set([eventId]),
    );
  });

  it('always failing → failed after the schedule (two delays, three attempts), response kept to 4 KiB', async () => {
    const delivery = await settledDelivery('broken', eventId);
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts).toHaveLength(3);
    expect(delivery.next_attempt_at).toBeNull();
    expect(delivery.attempts[0]?.status_code).toBe(503);
    expect(delivery.attempts[0]?.response_body?.length).toBe(4096);
  });

  it('a timeout is recorded as an attempt error without a status code', async () => {
    const delivery = await waitFor(
      async () => {
        const current = await deliveryOf('hanging', eventId);
        return current.attempts.length > 0 ? current : undefined;
      },
      { what: 'the first timed-out attempt', timeoutMs: 5000 },
    );
    expect(delivery.attempts[0]?.status_code).toBeNull();
    expect(delivery.attempts[0]?.error).toMatch(/timeout/);
    expect(delivery.attempts[0]?.duration_ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  });

  it('manual retry of a failed delivery → succeeded, same webhook-id, fresh signature', async () => {
    const before = await settledDelivery('broken', eventId);
    broken.respondWith(() => ({ status: 200, body: 'fixed' }));
    const firstSeen = broken.received[0];
    const response = await api(gateway.url, 'POST', `/deliveries/${before.id}/retry`);
    expect(response.status).toBe(202);
    const after = await settledDelivery('broken', eventId);
    expect(after.status).toBe('succeeded');
    expect(after.attempts).toHaveLength(4);
    expect(after.attempts[3]).toMatchObject({ number: 4, status_code: 200, trigger: 'manual' });
    const last = broken.received.at(-1);
    expect(last?.headers['webhook-id']).toBe(firstSeen?.headers['webhook-id']);
    expect(last?.body.equals(firstSeen?.body as Buffer)).toBe(true);
    expect(Number(last?.headers['webhook-timestamp'])).toBeGreaterThanOrEqual(
      Number(firstSeen?.headers['webhook-timestamp']),
    );
  });

  it('honours Retry-After, but never sooner than the schedule', async () => {
    const seen = new Set<string>();
    const server = await startRecordingServer((request) => {
      const id = String(request.headers['webhook-id']);
      if (seen.has(id)) return { status: 200 };
      seen.add(id);
      return { status: 429, headers: { 'retry-after': '1' } };
    });
    try {
      const patch = await api(gateway.url, 'PATCH', `/subscribers/${ids.hanging}`, { url: server.url });
      expect(patch.status).toBe(200);
      expect((await gateway.post('/ipn/2checkout', fixture('2checkout', 'ipn-refund.txt'))).status).toBe(200);
      const refund = await waitFor(
        () => {
          const forRefund = server.received.filter(
            (request) => JSON.parse(request.body.toString()).type === 'payment.refunded',
          );
          return forRefund.length === 2 ? forRefund : undefined;
        },
        { what: 'the retry after Retry-After', timeoutMs: 5000 },
      );
      const gap = (refund[1]?.receivedAt as number) - (refund[0]?.receivedAt as number);
      expect(gap).toBeGreaterThanOrEqual(900);
    } finally {
      await server.close();
    }
  });
});
