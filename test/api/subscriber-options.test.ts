// Subscriber options: livemode filter, static headers (validated), rate_limit and ordering values,
// and the read-only state fields.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, expectProblem } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';
import { signedIpn } from '../support/twocheckout-signing';

const HOOK = 'https://billing.internal.example/hook';

describe('subscriber options', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let api: ReturnType<typeof adminClient>;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(testConfig(database), database);
    api = adminClient(gateway);
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });

  it('keeps the options given, with header names in lower case; read-only fields are refused', async () => {
    const created = await api.post('/subscribers', {
      url: HOOK,
      enabled: false,
      livemode: 'live',
      headers: { 'X-Api-Key': 'secret-1', authorization: 'Bearer abc' },
      rate_limit: 50,
      ordering: 'transaction',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      livemode: 'live',
      headers: { 'x-api-key': 'secret-1', authorization: 'Bearer abc' },
      rate_limit: 50,
      ordering: 'transaction',
      state: 'disabled',
      disabled_reason: 'manual',
    });
    const id = created.body.id;
    const patched = await api.patch(`/subscribers/${id}`, {
      rate_limit: null,
      livemode: 'test',
      headers: {},
    });
    expect(patched.body).toMatchObject({
      rate_limit: null,
      livemode: 'test',
      headers: {},
      ordering: 'transaction',
    });
    expectProblem(await api.patch(`/subscribers/${id}`, { state: 'active' }), 422);
    expectProblem(await api.patch(`/subscribers/${id}`, { disabled_reason: null }), 422);
    await api.delete(`/subscribers/${id}`);
  });

  it.each([
    [{ 'Content-Type': 'text/plain' }, 'headers.Content-Type'],
    [{ host: 'evil.example' }, 'headers.host'],
    [{ 'content-length': '5' }, 'headers.content-length'],
    [{ 'Webhook-Signature': 'v1,x' }, 'headers.Webhook-Signature'],
    [{ 'bad name': 'x' }, 'headers.bad name'],
    [{ 'x-ok': 'line\r\nbreak' }, 'headers.x-ok'],
    [Object.fromEntries(Array.from({ length: 11 }, (_, index) => [`x-h${index}`, 'v'])), 'headers'],
  ])('refuses headers %j with 422 at %s', async (headers, path) => {
    const answer = await api.post('/subscribers', { url: HOOK, headers });
    expectProblem(answer, 422);
    expect(answer.body.errors.map((error: { path: string }) => error.path)).toContain(path);
  });

  it.each([0, 10_001, 1.5, '5'])('refuses rate_limit %j with 422', async (rate_limit) => {
    expectProblem(await api.post('/subscribers', { url: HOOK, rate_limit }), 422);
  });

  it.each([{ livemode: 'sandbox' }, { ordering: 'payment' }])('refuses %j with 422', async (body) => {
    expectProblem(await api.post('/subscribers', { url: HOOK, ...body }), 422);
  });

  describe('delivery', () => {
    let live: RecordingServer;
    let test: RecordingServer;
    let all: RecordingServer;

    beforeAll(async () => {
      [live, test, all] = await Promise.all([
        startRecordingServer(),
        startRecordingServer(),
        startRecordingServer(),
      ]);
      await api.post('/subscribers', { url: live.url, livemode: 'live', headers: { 'X-Api-Key': 'k-live' } });
      await api.post('/subscribers', { url: test.url, livemode: 'test' });
      await api.post('/subscribers', { url: all.url });
      await waitFor(() => gateway.workers?.lanes.running().length === 3, { what: 'three lanes' });
    });
    afterAll(async () => {
      await Promise.all([live, test, all].map((server) => server?.close()));
    });

    it('livemode filters events; static headers are sent with each delivery', async () => {
      const testOrder = signedIpn('9300001', 'ipn-pending.txt', (body) =>
        body.replace('TEST_ORDER=0', 'TEST_ORDER=1'),
      );
      expect((await gateway.post('/ipn/2checkout', signedIpn('9300002'))).status).toBe(200);
      expect((await gateway.post('/ipn/2checkout', testOrder)).status).toBe(200);
      await waitFor(
        () => all.received.length === 2 && live.received.length === 1 && test.received.length === 1,
        {
          what: 'the deliveries',
        },
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const livemodeOf = (server: RecordingServer) =>
        server.received.map((request) => JSON.parse(request.body.toString()).livemode);
      expect(livemodeOf(live)).toEqual([true]);
      expect(livemodeOf(test)).toEqual([false]);
      expect(livemodeOf(all).sort()).toEqual([false, true]);
      expect(live.received[0]?.headers['x-api-key']).toBe('k-live');
      expect(live.received[0]?.headers['content-type']).toBe('application/json');
      expect(all.received[0]?.headers['x-api-key']).toBeUndefined();
    });
  });
});
