// Server-side dashboard sessions, login throttling per address, and the audit log of admin actions.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminClient, adminClient } from '../support/admin-client';
import { loginToDashboard, postForm } from '../support/dashboard-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  startTestGateway,
  TEST_ADMIN_TOKEN,
  type TestGateway,
  testConfig,
  waitFor,
} from '../support/gateway';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';
import { twocheckoutMessage } from '../support/simulated';

describe('dashboard sessions, login throttling and the audit log', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let api: AdminClient;
  let failing: RecordingServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    failing = await startRecordingServer(() => ({ status: 500 }));
    // One trusted proxy hop: the client address is the rightmost X-Forwarded-For entry.
    gateway = await startTestGateway(testConfig(database, { TRUST_PROXY: '1' }), database);
    api = adminClient(gateway);
  });
  afterAll(async () => {
    await gateway?.close();
    await failing?.close();
    await database?.drop();
  });

  const getWith = (cookie: string, path = '/dashboard') =>
    fetch(`${gateway.url}${path}`, { redirect: 'manual', headers: { cookie } });

  it('logout ends the session for every copy of the cookie', async () => {
    const dashboard = await loginToDashboard(gateway.url);
    const copy = dashboard.cookie; // e.g. taken from another browser or a stolen header
    expect((await getWith(copy)).status).toBe(200);
    expect((await dashboard.post('/dashboard/logout')).status).toBe(302);
    const after = await getWith(copy);
    expect(after.status).toBe(302);
    expect(after.headers.get('location')).toMatch(/^\/dashboard\/login/);
  });

  it('stores only a hash of the cookie, and an expired session is no session', async () => {
    const dashboard = await loginToDashboard(gateway.url);
    const value = dashboard.cookie.split('=')[1] as string;
    const rows = await database.handle.rows<{ id: string }>(sql`select id from dashboard_sessions`);
    expect(rows.map((row) => row.id)).toContain(createHash('sha256').update(value).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(value);
    await database.handle.rows(sql`update dashboard_sessions set expires_at = now() - interval '1 second'`);
    expect((await getWith(dashboard.cookie)).status).toBe(302);
  });

  it('20 wrong logins from one address are slowed down (429 after the fifth)', async () => {
    const from = (forwardedFor: string, token = 'wrong-token-wrong-token') =>
      postForm(`${gateway.url}/dashboard/login`, { token }, { 'x-forwarded-for': forwardedFor });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 20; attempt++) statuses.push((await from('203.0.113.7')).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5).every((status) => status === 429)).toBe(true);
    const throttled = await from('203.0.113.7');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    // A left-hand (client-written) entry does not make it another address.
    expect((await from('198.51.100.1, 203.0.113.7')).status).toBe(429);
    // Even the right token waits; another address signs in at once.
    expect((await from('203.0.113.7', TEST_ADMIN_TOKEN)).status).toBe(429);
    expect((await from('203.0.113.8', TEST_ADMIN_TOKEN)).status).toBe(302);
  });

  it('records admin actions from the API with the token as actor and the request id', async () => {
    const created = await api.post('/subscribers', { url: failing.url });
    const id = created.body.id as string;
    await api.patch(`/subscribers/${id}`, { description: 'ledger' });
    const rotated = await api.post(`/subscribers/${id}/rotate-secret`);
    await api.post('/deliveries/retry', { subscriber_id: id, since: '2020-01-01T00:00:00Z' });

    const message = twocheckoutMessage(0);
    expect((await gateway.post(message.path, message.body)).status).toBe(200);
    const delivery = await waitFor(
      async () =>
        (
          await database.handle.rows<{ id: string }>(sql`select id from deliveries where status = 'failed'`)
        )[0],
      { what: 'a failed delivery' },
    );
    expect((await api.post(`/deliveries/${delivery.id}/retry`)).status).toBe(202);
    const since = new Date(Date.now() - 3_600_000).toISOString();
    expect((await api.post(`/subscribers/${id}/recover`, { since })).status).toBe(202);
    await api.delete(`/subscribers/${id}`);

    const log = await api.get('/audit-log');
    expect(log.status).toBe(200);
    const actions = log.body.data.map((entry: { action: string; target: string }) => [
      entry.action,
      entry.target,
    ]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ['subscriber.create', id],
        ['subscriber.update', id],
        ['subscriber.rotate_secret', id],
        ['delivery.retry_failed', id],
        ['delivery.retry', delivery.id],
        ['delivery.recover', id],
        ['subscriber.delete', id],
      ]),
    );
    const rotation = log.body.data.find(
      (entry: { action: string }) => entry.action === 'subscriber.rotate_secret',
    );
    expect(rotation).toMatchObject({ actor: 'api-token', request_id: rotated.headers.get('x-request-id') });
    expect(JSON.stringify(log.body)).not.toContain(rotated.body.secret);
    // Newest first, paged.
    const first = await api.get('/audit-log?limit=2');
    expect(first.body.data).toHaveLength(2);
    const next = await api.get(`/audit-log?limit=2&cursor=${first.body.next_cursor}`);
    expect(next.body.data[0].id).toBeLessThan(first.body.data[1].id);
  }, 30_000);

  it('records dashboard actions with the session as actor, and shows them on the audit page', async () => {
    const dashboard = await loginToDashboard(gateway.url, TEST_ADMIN_TOKEN);
    const created = await api.post('/subscribers', { url: 'https://hooks.example/audit', enabled: false });
    expect((await dashboard.post(`/dashboard/subscribers/${created.body.id}/enable`)).status).toBe(302);
    const [entry] = (await api.get('/audit-log?limit=1')).body.data;
    expect(entry).toMatchObject({
      action: 'subscriber.update',
      target: created.body.id,
      actor: expect.stringMatching(/^dashboard:[0-9a-f]{12}$/),
    });
    const page = await dashboard.get('/dashboard/audit-log');
    expect(page.status).toBe(200);
    expect(page.html).toContain(`data-action="subscriber.update"`);
    expect(page.html).toContain(entry.actor);
  });
});
