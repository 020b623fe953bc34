import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubscriber } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { answer, type FakePaypal, startFakePaypal } from '../support/fake-paypal';
import { fixture } from '../support/fixtures';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';

function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((pair) => line.includes(pair))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('/metrics', () => {
  let database: TestDatabase;
  let paypal: FakePaypal;
  let gateway: TestGateway;
  let subscriber: RecordingServer;
  let subscriberId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    paypal = await startFakePaypal((_request, index) => (index === 0 ? answer.invalid() : answer.verified()));
    gateway = await startTestGateway(testConfig(database, { PAYPAL_VERIFY_URL: paypal.url }), database);
    subscriber = await startRecordingServer((_request, index) =>
      index === 0 ? { status: 500 } : { status: 200 },
    );
    subscriberId = (await createSubscriber(gateway.url, { url: subscriber.url })).id;
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([paypal?.close(), subscriber?.close()]);
    await database?.drop();
  });

  it('counts notifications, verifications, attempts and delivery latency, without a token', async () => {
    await gateway.post('/ipn/paypal', fixture('paypal', 'web_accept-completed.txt')); // INVALID
    await gateway.post('/ipn/paypal', fixture('paypal', 'cart-2-items-completed.txt')); // VERIFIED
    await gateway.post('/ipn/2checkout', fixture('2checkout', 'ipn-pending.txt'));
    await gateway.post('/ipn/2checkout', fixture('2checkout', 'ipn-pending.txt')); // duplicate
    await gateway.post('/ipn/2checkout', fixture('2checkout', 'ipn-tampered.txt'));
    await waitFor(() => subscriber.received.length === 3, { what: 'two events, one retried' });

    const response = await fetch(`${gateway.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await waitFor(async () => {
      const body = await (await fetch(`${gateway.url}/metrics`)).text();
      return sample(body, 'ipn_gateway_delivery_attempts_total', { outcome: 'succeeded' }) === 2
        ? body
        : undefined;
    });
    const notifications = (provider: string, outcome: string) =>
      sample(text, 'ipn_gateway_notifications_total', { provider, outcome });
    expect(notifications('paypal', 'pending')).toBe(2);
    expect(notifications('2checkout', 'verified')).toBe(1);
    expect(notifications('2checkout', 'duplicate')).toBe(1);
    expect(notifications('2checkout', 'rejected')).toBe(1);
    expect(sample(text, 'ipn_gateway_verifications_total', { result: 'invalid' })).toBe(1);
    expect(sample(text, 'ipn_gateway_verifications_total', { result: 'verified' })).toBe(1);
    expect(sample(text, 'ipn_gateway_delivery_attempts_total', { outcome: 'http_error' })).toBe(1);
    expect(sample(text, 'ipn_gateway_delivery_latency_seconds_count', {})).toBe(2);
    expect(text).toContain(`ipn_gateway_queue_jobs{queue="{delivery-${subscriberId}}",state="waiting"}`);
    const perSubscriber = (outcome: string) =>
      sample(text, 'ipn_gateway_subscriber_attempts_total', { subscriber_id: subscriberId, outcome });
    expect(perSubscriber('succeeded')).toBe(2);
    expect(perSubscriber('http_error')).toBe(1);
    // Nothing is waiting now.
    expect(
      sample(text, 'ipn_gateway_oldest_pending_delivery_seconds', { subscriber_id: subscriberId }),
    ).toBeUndefined();
    expect(sample(text, 'ipn_gateway_oldest_pending_verification_seconds', {})).toBe(0);
    expect(text).toContain('ipn_gateway_process_resident_memory_bytes');
  });

  it('the age of the oldest pending delivery per subscriber and of the oldest pending verification', async () => {
    const hanging = await startRecordingServer(() => ({ status: 200, hang: true }));
    try {
      const hangingId = (await createSubscriber(gateway.url, { url: hanging.url, providers: ['2checkout'] }))
        .id;
      paypal.respondWith(() => answer.serverError());
      await gateway.post('/ipn/paypal', fixture('paypal', 'refunded-of-web_accept.txt'));
      await gateway.post('/ipn/2checkout', fixture('2checkout', 'ipn-refund.txt'));
      const text = await waitFor(
        async () => {
          const body = await (await fetch(`${gateway.url}/metrics`)).text();
          const delivery = sample(body, 'ipn_gateway_oldest_pending_delivery_seconds', {
            subscriber_id: hangingId,
          });
          const verification = sample(body, 'ipn_gateway_oldest_pending_verification_seconds', {});
          return (delivery ?? 0) > 0.5 && (verification ?? 0) > 0.5 ? body : undefined;
        },
        { what: 'both ages to grow' },
      );
      expect(
        sample(text, 'ipn_gateway_oldest_pending_delivery_seconds', { subscriber_id: hangingId }),
      ).toBeLessThan(60);
    } finally {
      await hanging.close();
    }
  });
});
