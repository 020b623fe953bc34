import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubscriber } from '../support/admin-client';
import { type DashboardClient, loginToDashboard, type Page, textOf } from '../support/dashboard-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fixture } from '../support/fixtures';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';
import { signedIpn } from '../support/twocheckout-signing';

const REFNO = '77700001';

const noticeOf = (page: Page) =>
  new URL(page.headers.get('location') ?? '', 'http://x').searchParams.get('notice');

describe('dashboard pages', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let dashboard: DashboardClient;
  let subscriberServer: RecordingServer;
  let eventId: string;
  let tamperedId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(testConfig(database, { DELIVERY_RETRY_SCHEDULE: '50ms' }), database);
    subscriberServer = await startRecordingServer(() => ({ status: 500, body: 'subscriber <b>down</b>' }));
    await createSubscriber(gateway.url, { url: subscriberServer.url, description: 'billing' });
    dashboard = await loginToDashboard(gateway.url);

    expect((await gateway.post('/ipn/2checkout', signedIpn(REFNO))).status).toBe(200);
    expect((await gateway.post('/ipn/2checkout', fixture('2checkout', 'ipn-tampered.txt'))).status).toBe(400);
    const [event] = await database.handle.rows<{ id: string }>(
      sql`select id from events where transaction_id = ${REFNO}`,
    );
    eventId = event?.id ?? '';
    const [tampered] = await database.handle.rows<{ id: string }>(
      sql`select id from inbound_messages where status = 'rejected'`,
    );
    tamperedId = tampered?.id ?? '';
    await waitFor(
      async () => {
        const [row] = await database.handle.rows<{ status: string }>(
          sql`select status from deliveries where event_id = ${eventId}`,
        );
        return row?.status === 'failed';
      },
      { what: 'the delivery to fail' },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await subscriberServer?.close();
    await database?.drop();
  });

  it('overview: counts of the last 24 h, queues and endpoint URLs', async () => {
    const page = await dashboard.get('/dashboard');
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toMatch(/2 Received/);
    expect(text).toMatch(/1 Verified/);
    expect(text).toMatch(/1 Rejected \/ invalid/);
    expect(text).toMatch(/1 Failing deliveries/);
    expect(text).toContain(`${gateway.url}/ipn/2checkout`);
    expect(text).toContain('delivery');
    expect(page.html).toContain('data-refresh="5"');
  });

  it('events: the posted 2Checkout event with its transaction id; filters and search', async () => {
    const list = await dashboard.get('/dashboard/events');
    expect(list.status).toBe(200);
    expect(list.html).toContain(REFNO);
    expect(list.html).toContain(eventId);
    const found = await dashboard.get(`/dashboard/events?q=${REFNO}`);
    expect(found.html).toContain(eventId);
    const notFound = await dashboard.get('/dashboard/events?q=nope');
    expect(notFound.html).not.toContain(eventId);
    expect(textOf(notFound.html)).toContain('No events match.');
    const otherProvider = await dashboard.get('/dashboard/events?provider=paypal');
    expect(otherProvider.html).not.toContain(eventId);
  });

  it('event detail: JSON, the delivery and each attempt with its response excerpt (escaped)', async () => {
    const page = await dashboard.get(`/dashboard/events/${eventId}`);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain(`"transaction_id": "${REFNO}"`);
    expect(text).toContain(subscriberServer.url);
    expect(page.html.match(/data-testid="attempt"/g)).toHaveLength(2);
    expect(text).toContain('HTTP 500');
    expect(page.html).toContain('subscriber &lt;b&gt;down&lt;/b&gt;');
    expect(page.html).not.toContain('<b>down</b>');
  });

  it('an unknown event is a 404 page, not a 500', async () => {
    const page = await dashboard.get('/dashboard/events/evt_nothing');
    expect(page.status).toBe(404);
    expect(textOf(page.html)).toContain('There is no event evt_nothing.');
  });

  it('deliveries: failed by default, with a Retry button that queues a manual attempt', async () => {
    const page = await dashboard.get('/dashboard/deliveries');
    expect(page.status).toBe(200);
    expect(page.html).toContain(eventId);
    const deliveryId = /data-delivery-id="(dlv_\w+)"/.exec(page.html)?.[1];
    expect(deliveryId).toBeDefined();
    subscriberServer.respondWith(() => ({ status: 200, body: 'ok' }));
    const retry = await dashboard.post(`/dashboard/deliveries/${deliveryId}/retry`, {
      back: '/dashboard/deliveries',
    });
    expect(retry.status).toBe(302);
    expect(noticeOf(retry)).toBe(`Retry of ${deliveryId} queued: attempt 3 starts now.`);
    await waitFor(
      async () =>
        (await dashboard.get('/dashboard/deliveries?status=succeeded')).html.includes(deliveryId ?? '-'),
      { what: 'the retried delivery to succeed' },
    );
    const detail = textOf((await dashboard.get(`/dashboard/events/${eventId}`)).html);
    expect(detail).toContain('manual');
    expect(detail).toContain('HTTP 200');
  });

  it('deliveries: bulk retry of the failed deliveries of one subscriber since a time', async () => {
    subscriberServer.respondWith(() => ({ status: 503, body: 'busy' }));
    expect((await gateway.post('/ipn/2checkout', signedIpn('77700002'))).status).toBe(200);
    const failed = await waitFor(
      async () => {
        const page = await dashboard.get('/dashboard/deliveries?status=failed');
        return page.html.includes('data-delivery-id') ? page : undefined;
      },
      { what: 'the second delivery to fail' },
    );
    const subscriberId = /<option value="(sub_\w+)"/.exec(failed.html)?.[1] ?? '';
    subscriberServer.respondWith(() => ({ status: 200, body: 'ok' }));
    const answer = await dashboard.post('/dashboard/deliveries/retry-failed', {
      subscriber_id: subscriberId,
      since: new Date(Date.now() - 3600_000).toISOString().slice(0, 16),
    });
    expect(answer.status).toBe(302);
    expect(noticeOf(answer)).toMatch(
      /^Queued 1 failed deliveries of http:\/\/127\.0\.0\.1:\d+\/ \(since .* UTC\) for a new attempt\.$/,
    );
    await waitFor(
      async () => (await dashboard.get('/dashboard/deliveries')).html.includes('No failed deliveries.'),
      {
        what: 'no failed deliveries left',
      },
    );
    const again = await dashboard.post('/dashboard/deliveries/retry-failed', {
      subscriber_id: subscriberId,
      since: '2000-01-01T00:00',
    });
    expect(noticeOf(again)).toMatch(/^No failed deliveries of .* since 2000-01-01 00:00:00 UTC\.$/);
  });

  it('messages: the rejected tampered message with its reason; detail with headers and raw body', async () => {
    const list = await dashboard.get('/dashboard/messages?status=rejected');
    expect(list.status).toBe(200);
    expect(list.html).toContain(tamperedId);
    expect(textOf(list.html)).toMatch(/rejected .*does not match/);
    const detail = await dashboard.get(`/dashboard/messages/${tamperedId}`);
    expect(detail.status).toBe(200);
    const text = textOf(detail.html);
    expect(text).toContain('content-type');
    expect(text).toContain('127.0.0.1');
    expect(text).toContain(fixture('2checkout', 'ipn-tampered.txt').toString('base64'));
    expect(text).toContain('REFNO=');
  });

  it('subscribers: add (secret shown once), bad URL → 422 message, fifth enabled → 409 message', async () => {
    const added = await dashboard.post('/dashboard/subscribers', {
      url: 'http://127.0.0.1:9/second',
      description: 'second',
      event_types: 'payment.*, subscription.created',
      providers: ['2checkout'],
      format: 'event',
      enabled: 'on',
    });
    expect(added.status).toBe(201);
    expect(added.html).toMatch(/data-testid="secret">whsec_/);

    const badUrl = await dashboard.post('/dashboard/subscribers', { url: 'ftp://nowhere', enabled: 'on' });
    expect(badUrl.status).toBe(422);
    expect(textOf(badUrl.html)).toContain('The URL must be an absolute http: or https: URL.');
    expect(badUrl.html).toContain('value="ftp://nowhere"');

    const badType = await dashboard.post('/dashboard/subscribers', {
      url: 'http://x.example/',
      event_types: 'payment.bogus',
    });
    expect(badType.status).toBe(422);
    expect(textOf(badType.html)).toContain('Unknown event type "payment.bogus"');

    for (const n of [3, 4]) {
      const answer = await dashboard.post('/dashboard/subscribers', {
        url: `http://127.0.0.1:9/${n}`,
        enabled: 'on',
      });
      expect(answer.status).toBe(201);
    }
    const fifth = await dashboard.post('/dashboard/subscribers', {
      url: 'http://127.0.0.1:9/fifth',
      enabled: 'on',
    });
    expect(fifth.status).toBe(409);
    expect(textOf(fifth.html)).toContain('at most 4 subscribers can be enabled at once');
    expect(fifth.html).toContain('value="http://127.0.0.1:9/fifth"');
  });

  it('subscribers: disable, enabling a fifth is refused with the message, rotate, remove', async () => {
    const disabled = await dashboard.post('/dashboard/subscribers', { url: 'http://127.0.0.1:9/spare' });
    expect(disabled.status).toBe(201);
    const spareId = /data-subscriber-id="(sub_\w+)"[\s\S]*?127\.0\.0\.1:9\/spare/.exec(disabled.html)?.[1];
    const ids = [...disabled.html.matchAll(/data-subscriber-id="(sub_\w+)"/g)].map((match) => match[1]);
    expect(ids[0]).toBe(spareId); // newest first

    const enable = await dashboard.post(`/dashboard/subscribers/${spareId}/enable`);
    expect(enable.status).toBe(302);
    const refused = await dashboard.get(enable.headers.get('location') ?? '');
    expect(textOf(refused.html)).toContain('at most 4 subscribers can be enabled at once');

    const rotated = await dashboard.post(`/dashboard/subscribers/${spareId}/rotate`);
    expect(rotated.status).toBe(200);
    expect(textOf(rotated.html)).toContain('The previous secret keeps signing');

    const confirm = await dashboard.get(`/dashboard/subscribers/${spareId}/remove`);
    expect(confirm.status).toBe(200);
    expect(textOf(confirm.html)).toContain('Remove subscriber?');
    const removed = await dashboard.post(`/dashboard/subscribers/${spareId}/delete`);
    expect(removed.status).toBe(302);
    const after = await dashboard.get('/dashboard/subscribers');
    expect(after.html).not.toContain('127.0.0.1:9/spare');
  });
});
