// "Send test event": a signed gateway.ping sent now, the outcome answered, nothing recorded.
import { sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, apiCall, createSubscriber } from '../support/admin-client';
import { loginToDashboard, textOf } from '../support/dashboard-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestGateway, type TestGateway, testConfig } from '../support/gateway';
import { refusingUrl } from '../support/load';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';

interface PingResult {
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_body: string | null;
}

describe('POST /api/subscribers/:id/test', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let server: RecordingServer;
  let subscriber: { id: string; secret: string };

  const ping = (id = subscriber.id) =>
    apiCall<PingResult>(gateway.url, 'POST', `/subscribers/${id}/test`, undefined, 200);

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(testConfig(database, { ROLE: 'server' }), database);
    server = await startRecordingServer(() => ({ status: 200, body: 'pong' }));
    subscriber = await createSubscriber(gateway.url, { url: server.url, headers: { 'X-Api-Key': 'k1' } });
  });
  afterAll(async () => {
    await gateway?.close();
    await server?.close();
    await database?.drop();
  });

  it('healthy: 200 with the outcome; a signed gateway.ping with the static headers', async () => {
    const result = await ping();
    expect(result).toEqual({
      status_code: 200,
      duration_ms: expect.any(Number),
      error: null,
      response_body: 'pong',
    });
    const request = server.received[0];
    expect(request?.headers['x-api-key']).toBe('k1');
    const body = new Webhook(subscriber.secret).verify(request?.body.toString() ?? '', {
      'webhook-id': String(request?.headers['webhook-id']),
      'webhook-timestamp': String(request?.headers['webhook-timestamp']),
      'webhook-signature': String(request?.headers['webhook-signature']),
    });
    expect(body).toMatchObject({ type: 'gateway.ping', provider: 'gateway', data: {} });
  });

  it('a 500 answer: the status and body, with an error', async () => {
    server.respondWith(() => ({ status: 500, body: 'broken' }));
    expect(await ping()).toEqual({
      status_code: 500,
      duration_ms: expect.any(Number),
      error: 'HTTP 500',
      response_body: 'broken',
    });
  });

  it('refused: no status code, the error', async () => {
    await apiCall(gateway.url, 'PATCH', `/subscribers/${subscriber.id}`, { url: await refusingUrl() }, 200);
    expect(await ping()).toEqual({
      status_code: null,
      duration_ms: expect.any(Number),
      error: 'connection refused',
      response_body: null,
    });
  });

  it('records nothing as a delivery, nor as an event', async () => {
    const [counts] = await gateway.db.rows<{ deliveries: number; events: number }>(sql`
      select (select count(*)::int from deliveries) as deliveries, (select count(*)::int from events) as events`);
    expect(counts).toEqual({ deliveries: 0, events: 0 });
  });

  it('404 for an unknown subscriber', async () => {
    expect((await api(gateway.url, 'POST', '/subscribers/sub_01JD5Q8Z3R4B9T6W2X7Y0KMN1P/test')).status).toBe(
      404,
    );
  });

  it('the dashboard button shows the outcome', async () => {
    server.respondWith(() => ({ status: 200, body: 'pong' }));
    await apiCall(gateway.url, 'PATCH', `/subscribers/${subscriber.id}`, { url: server.url }, 200);
    const dashboard = await loginToDashboard(gateway.url);
    const detail = await dashboard.get(`/dashboard/subscribers/${subscriber.id}`);
    expect(textOf(detail.html)).toContain('Send test event');
    const result = await dashboard.post(`/dashboard/subscribers/${subscriber.id}/test`);
    expect(result.status).toBe(200);
    expect(textOf(result.html)).toMatch(/Test event accepted: 200 in \d+ ms/);
  });
});
