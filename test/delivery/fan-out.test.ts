import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, apiJson, type CreatedSubscriber, createSubscriber } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakePaypal, startFakePaypal } from '../support/fake-paypal';
import { fixture } from '../support/fixtures';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import {
  type RecordedRequest,
  type RecordingServer,
  startRecordingServer,
} from '../support/recording-server';

/** The JSON shape of a value: its keys in order, recursively (arrays by their first item); any scalar or null is a leaf. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return [value.length > 0 ? shape(value[0]) : 'empty'];
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shape(inner)]));
  }
  return 'leaf';
}

function verified(subscriber: CreatedSubscriber, request: RecordedRequest): unknown {
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(',') : (value ?? ''),
    ]),
  );
  return new Webhook(subscriber.secret).verify(request.body.toString('utf8'), headers);
}

describe('fan-out to four subscribers', () => {
  let database: TestDatabase;
  let paypal: FakePaypal;
  let gateway: TestGateway;
  const servers: RecordingServer[] = [];
  const subscribers: CreatedSubscriber[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    paypal = await startFakePaypal();
    gateway = await startTestGateway(testConfig(database, { PAYPAL_VERIFY_URL: paypal.url }), database);
    for (let index = 0; index < 4; index++) {
      const server = await startRecordingServer();
      servers.push(server);
      subscribers.push(
        await createSubscriber(gateway.url, { url: server.url, description: `system ${index}` }),
      );
    }
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([paypal?.close(), ...servers.map((server) => server.close())]);
    await database?.drop();
  });

  it('refuses a fifth enabled subscriber with 409', async () => {
    const response = await api(gateway.url, 'POST', '/subscribers', { url: 'http://127.0.0.1:9/fifth' });
    expect(response.status).toBe(409);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('delivers a PayPal and a 2Checkout event to all four, same JSON shape, valid signatures', async () => {
    expect((await gateway.post('/ipn/paypal', fixture('paypal', 'web_accept-completed.txt'))).status).toBe(
      200,
    );
    expect(
      (await gateway.post('/ipn/2checkout', fixture('2checkout', 'ipn-complete-all-signatures.txt'))).status,
    ).toBe(200);
    await waitFor(() => servers.every((server) => server.received.length >= 2), {
      what: 'two deliveries each',
    });

    const shapes = new Set<string>();
    for (const [index, server] of servers.entries()) {
      const subscriber = subscribers[index] as CreatedSubscriber;
      expect(server.received).toHaveLength(2);
      const providers = new Set<string>();
      for (const request of server.received) {
        expect(request.method).toBe('POST');
        expect(request.headers['content-type']).toBe('application/json');
        const payload = verified(subscriber, request) as Record<string, unknown>;
        expect(request.headers['webhook-id']).toBe(payload.id);
        providers.add(String(payload.provider));
        const { raw: _raw, ...common } = payload;
        shapes.add(JSON.stringify(shape(common)));
      }
      expect(providers).toEqual(new Set(['paypal', '2checkout']));
    }
    // Both providers' events, at every subscriber, have one shape (raw fields aside).
    expect(shapes.size).toBe(1);
  });

  it('a signature made with another secret does not verify', () => {
    const request = servers[0]?.received[0] as RecordedRequest;
    const other = subscribers[1] as CreatedSubscriber;
    expect(() => verified(other, request)).toThrow();
  });

  it('records each delivery as succeeded with its attempt', async () => {
    const events = await apiJson<{ data: Array<{ id: string }> }>(gateway.url, '/events');
    expect(events.data).toHaveLength(2);
    for (const { id } of events.data) {
      // A subscriber can have its request before the attempt is written down.
      const event = await waitFor(async () => {
        const found = await apiJson<{ deliveries: Array<Record<string, unknown>> }>(
          gateway.url,
          `/events/${id}`,
        );
        return found.deliveries.every((delivery) => delivery.status !== 'pending') ? found : undefined;
      });
      expect(event.deliveries).toHaveLength(4);
      for (const delivery of event.deliveries) {
        expect(delivery.status).toBe('succeeded');
        expect(delivery.attempt_count).toBe(1);
        const attempts = delivery.attempts as Array<Record<string, unknown>>;
        expect(attempts).toHaveLength(1);
        expect(attempts[0]).toMatchObject({ number: 1, status_code: 200, error: null, trigger: 'scheduled' });
        expect(typeof attempts[0]?.duration_ms).toBe('number');
      }
    }
  });
});
