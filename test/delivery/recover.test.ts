// Recover: a subscriber gets again, in received order and with the same event ids, every event of
// a window it has no succeeded delivery for: missed while disabled, from before it existed, or
// failed. Pending deliveries are left alone; a second recover sends nothing new.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, apiCall, createSubscriber } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';
import { signedIpn } from '../support/twocheckout-signing';

const ids = (server: RecordingServer) =>
  server.received.map((request) => String(request.headers['webhook-id']));

describe('recover', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let subscriber: RecordingServer;
  let subscriberId: string;
  let since: string;
  /** Event ids in the order received. */
  const eventIds: string[] = [];

  async function post(refno: string): Promise<string> {
    const response = await gateway.post('/ipn/2checkout', signedIpn(refno));
    expect(response.status).toBe(200);
    const events = await apiCall<{ data: Array<{ id: string }> }>(
      gateway.url,
      'GET',
      '/events?limit=1',
      undefined,
      200,
    );
    const id = events.data[0]?.id as string;
    eventIds.push(id);
    return id;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    // One attempt at a time, so arrival order is the queue's order.
    gateway = await startTestGateway(
      testConfig(database, { DELIVERY_CONCURRENCY: '1', RETENTION: '1d', DELIVERY_RETRY_SCHEDULE: '50ms' }),
      database,
    );
    subscriber = await startRecordingServer();
    subscriberId = (await createSubscriber(gateway.url, { url: subscriber.url })).id;
    await waitFor(() => gateway.workers?.lanes.running().length === 1, { what: 'the delivery lane' });
    since = new Date(Date.now() - 1000).toISOString();
  });
  afterAll(async () => {
    await gateway?.close();
    await subscriber?.close();
    await database?.drop();
  });

  it('after disable and enable: the missed events arrive once each, in order; again → nothing new', async () => {
    await post('6100001');
    await waitFor(() => subscriber.received.length === 1, { what: 'the first event' });

    await apiCall(gateway.url, 'PATCH', `/subscribers/${subscriberId}`, { enabled: false }, 200);
    for (let index = 2; index <= 6; index++) await post(`610000${index}`);
    await apiCall(gateway.url, 'PATCH', `/subscribers/${subscriberId}`, { enabled: true }, 200);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // nothing arrives by itself
    expect(subscriber.received).toHaveLength(1);

    const answer = await apiCall<{ deliveries: number }>(
      gateway.url,
      'POST',
      `/subscribers/${subscriberId}/recover`,
      { since },
      202,
    );
    expect(answer).toEqual({ deliveries: 5 });
    await waitFor(() => subscriber.received.length === 6, { what: 'the five missed events' });
    expect(ids(subscriber)).toEqual(eventIds);

    const again = await apiCall(gateway.url, 'POST', `/subscribers/${subscriberId}/recover`, { since }, 202);
    expect(again).toEqual({ deliveries: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(subscriber.received).toHaveLength(6);
  }, 30_000);

  it('a subscriber created after the events gets all of them, in order', async () => {
    const late = await startRecordingServer();
    try {
      const lateId = (await createSubscriber(gateway.url, { url: late.url })).id;
      const answer = await apiCall(gateway.url, 'POST', `/subscribers/${lateId}/recover`, { since }, 202);
      expect(answer).toEqual({ deliveries: eventIds.length });
      await waitFor(() => late.received.length === eventIds.length, { what: 'every earlier event' });
      expect(ids(late)).toEqual(eventIds);
      // Same bytes as the first subscriber got: the same event, not a copy.
      expect(late.received[0]?.body.equals(subscriber.received[0]?.body as Buffer)).toBe(true);
      await apiCall(gateway.url, 'DELETE', `/subscribers/${lateId}`, undefined, 204);
    } finally {
      await late.close();
    }
  }, 30_000);

  it('retries failed deliveries of the window; the window is bounded by until', async () => {
    subscriber.respondWith(() => ({ status: 500 }));
    const failing = await post('6100007');
    await waitFor(
      async () => {
        const list = await apiCall<{ data: Array<{ status: string }> }>(
          gateway.url,
          'GET',
          `/deliveries?event_id=${failing}`,
          undefined,
          200,
        );
        return list.data[0]?.status === 'failed';
      },
      { what: 'the delivery to fail' },
    );
    subscriber.respondWith(() => ({ status: 200 }));
    const before = subscriber.received.length;
    const until = new Date(Date.now() - 60_000).toISOString();
    const none = await apiCall(
      gateway.url,
      'POST',
      `/subscribers/${subscriberId}/recover`,
      { since: new Date(Date.now() - 3_600_000).toISOString(), until },
      202,
    );
    expect(none).toEqual({ deliveries: 0 });
    const answer = await apiCall(gateway.url, 'POST', `/subscribers/${subscriberId}/recover`, { since }, 202);
    expect(answer).toEqual({ deliveries: 1 });
    await waitFor(() => subscriber.received.length === before + 1, { what: 'the retried delivery' });
    expect(ids(subscriber).at(-1)).toBe(failing);
  }, 30_000);

  it('refuses since beyond RETENTION (422), an unknown subscriber (404), a disabled one (409)', async () => {
    const old = await api(gateway.url, 'POST', `/subscribers/${subscriberId}/recover`, {
      since: new Date(Date.now() - 2 * 86_400_000).toISOString(),
    });
    expect(old.status).toBe(422);
    expect(old.headers.get('content-type')).toContain('application/problem+json');
    expect(((await old.json()) as { errors: Array<{ path: string }> }).errors[0]?.path).toBe('since');
    const unknown = await api(gateway.url, 'POST', '/subscribers/sub_01JD5Q8Z3R4B9T6W2X7Y0KMN1P/recover', {
      since,
    });
    expect(unknown.status).toBe(404);
    const badWindow = await api(gateway.url, 'POST', `/subscribers/${subscriberId}/recover`, {
      since,
      until: new Date(Date.parse(since) - 1000).toISOString(),
    });
    expect(badWindow.status).toBe(422);
    await apiCall(gateway.url, 'PATCH', `/subscribers/${subscriberId}`, { enabled: false }, 200);
    const disabled = await api(gateway.url, 'POST', `/subscribers/${subscriberId}/recover`, { since });
    expect(disabled.status).toBe(409);
  });
});
