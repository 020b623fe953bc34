// A subscriber's dashboard page: state badge, delivery options form, recover form.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, createSubscriber } from '../support/admin-client';
import { type DashboardClient, loginToDashboard, textOf } from '../support/dashboard-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';
import { signedIpn } from '../support/twocheckout-signing';

describe('dashboard: a subscriber page', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let hook: RecordingServer;
  let dashboard: DashboardClient;
  let id: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(testConfig(database), database);
    hook = await startRecordingServer();
    id = (await createSubscriber(gateway.url, { url: hook.url })).id;
    dashboard = await loginToDashboard(gateway.url);
  });
  afterAll(async () => {
    await gateway?.close();
    await hook?.close();
    await database?.drop();
  });

  it('shows the state and the options; saves valid options, explains invalid ones', async () => {
    const page = textOf((await dashboard.get(`/dashboard/subscribers/${id}`)).html);
    expect(page).toContain('State active');
    expect(page).toContain('Recover missed events');

    const saved = await dashboard.post(`/dashboard/subscribers/${id}/options`, {
      livemode: 'live',
      ordering: 'transaction',
      rate_limit: '20',
      headers: 'X-Api-Key: abc\nX-Team: billing',
    });
    expect(saved.status).toBe(302);
    const subscriber = await apiCall<Record<string, unknown>>(
      gateway.url,
      'GET',
      `/subscribers/${id}`,
      undefined,
      200,
    );
    expect(subscriber).toMatchObject({
      livemode: 'live',
      ordering: 'transaction',
      rate_limit: 20,
      headers: { 'x-api-key': 'abc', 'x-team': 'billing' },
    });

    const refused = await dashboard.post(`/dashboard/subscribers/${id}/options`, {
      livemode: 'all',
      ordering: 'none',
      rate_limit: '',
      headers: 'Webhook-Id: mine',
    });
    expect(refused.status).toBe(422);
    expect(textOf(refused.html)).toContain('Header Webhook-Id');
    const unchanged = await apiCall<Record<string, unknown>>(
      gateway.url,
      'GET',
      `/subscribers/${id}`,
      undefined,
      200,
    );
    expect(unchanged).toMatchObject({ livemode: 'live' });
    await apiCall(gateway.url, 'PATCH', `/subscribers/${id}`, { livemode: 'all', ordering: 'none' }, 200);
  });

  it('the recover button queues what the subscriber missed', async () => {
    await apiCall(gateway.url, 'PATCH', `/subscribers/${id}`, { enabled: false }, 200);
    expect((await gateway.post('/ipn/2checkout', signedIpn('9500001'))).status).toBe(200);
    await dashboard.post(`/dashboard/subscribers/${id}/enable`, { back: `/dashboard/subscribers/${id}` });
    const answer = await dashboard.post(`/dashboard/subscribers/${id}/recover`, { since: '1h' });
    expect(answer.status).toBe(302);
    const notice = (answer: { headers: Headers }) =>
      new URL(answer.headers.get('location') ?? '', gateway.url).searchParams;
    expect(notice(answer).get('notice')).toContain('Queued 1 deliveries');
    await waitFor(() => hook.received.length === 1, { what: 'the recovered event' });

    const bad = await dashboard.post(`/dashboard/subscribers/${id}/recover`, { since: 'last week' });
    expect(decodeURIComponent(bad.headers.get('location') ?? '').replaceAll('+', ' ')).toContain(
      'neither a duration',
    );
  });
});
