// Subscriber health: failing, auto-disabled after SUBSCRIBER_DISABLE_AFTER of total failure (at
// least 5 attempts), re-enabled by PATCH, recovered on its next success; each step an alert to
// ALERT_WEBHOOK_URL signed with Standard Webhooks.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageVerifier } from '../../src/verify/message-verifier';
import { NetworkClient } from '../../src/verify/network-client';
import { apiCall, createSubscriber } from '../support/admin-client';
import { loginToDashboard, textOf } from '../support/dashboard-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fixture } from '../support/fixtures';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { checkOnlyInstance } from '../support/plugins';
import {
  type RecordedRequest,
  type RecordingServer,
  startRecordingServer,
} from '../support/recording-server';
import { signedIpn } from '../support/twocheckout-signing';

const ALERT_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const DISABLE_AFTER_MS = 2000;

interface Alert {
  id: string;
  type: string;
  created_at: string;
  data: Record<string, unknown>;
}

interface Subscriber {
  state: string;
  enabled: boolean;
  disabled_reason: string | null;
  failing_since: string | null;
}

/** The alert, verified with the standardwebhooks package (throws on a bad signature). */
function verified(request: RecordedRequest): Alert {
  const headers = {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  };
  const alert = new Webhook(ALERT_SECRET).verify(request.body.toString('utf8'), headers) as Alert;
  expect(headers['webhook-id']).toBe(alert.id);
  return alert;
}

describe('subscriber health and alerts', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let subscriber: RecordingServer;
  let alerts: RecordingServer;
  let subscriberId: string;

  const read = () => apiCall<Subscriber>(gateway.url, 'GET', `/subscribers/${subscriberId}`, undefined, 200);
  const alertsOf = (type: string) => {
    const byId = new Map(
      alerts.received.map((request) => [String(request.headers['webhook-id']), verified(request)]),
    );
    return [...byId.values()].filter((alert) => alert.type === type);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    alerts = await startRecordingServer((_request, index) =>
      index === 0 ? { status: 503 } : { status: 204 },
    );
    gateway = await startTestGateway(
      testConfig(database, {
        SUBSCRIBER_DISABLE_AFTER: `${DISABLE_AFTER_MS}ms`,
        ALERT_WEBHOOK_URL: alerts.url,
        ALERT_WEBHOOK_SECRET: ALERT_SECRET,
        DELIVERY_RETRY_SCHEDULE: Array(40).fill('150ms').join(','),
      }),
      database,
    );
    subscriber = await startRecordingServer(() => ({ status: 500, body: 'down' }));
    subscriberId = (await createSubscriber(gateway.url, { url: subscriber.url })).id;
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([subscriber?.close(), alerts?.close()]);
    await database?.drop();
  });

  it('failing, then disabled within 15 s of SUBSCRIBER_DISABLE_AFTER, with signed alerts', async () => {
    expect((await gateway.post('/ipn/2checkout', signedIpn('7100001'))).status).toBe(200);
    const failing = await waitFor(
      async () => {
        const current = await read();
        return current.state === 'failing' ? current : undefined;
      },
      { what: 'state failing' },
    );
    expect(failing).toMatchObject({
      enabled: true,
      disabled_reason: null,
      failing_since: expect.any(String),
    });

    const disabled = await waitFor(
      async () => {
        const current = await read();
        return current.state === 'disabled' ? current : undefined;
      },
      { what: 'auto-disable', timeoutMs: DISABLE_AFTER_MS + 20_000, intervalMs: 200 },
    );
    const disabledAt = Date.now();
    expect(disabled).toMatchObject({ enabled: false, disabled_reason: 'failing', failing_since: null });
    const crossed = Date.parse(failing.failing_since as string) + DISABLE_AFTER_MS;
    expect(disabledAt - crossed).toBeLessThan(15_000);
    expect(subscriber.received.length).toBeGreaterThanOrEqual(5);

    // Two alerts (failing, disabled) and the retry of the one that got the 503.
    await waitFor(() => alerts.received.length >= 3, { what: 'the alerts', timeoutMs: 10_000 });
    expect(alertsOf('subscriber.disabled')).toHaveLength(1);
    expect(alertsOf('subscriber.failing')).toHaveLength(1);
    const alert = alertsOf('subscriber.disabled')[0] as Alert;
    expect(alert.data).toMatchObject({ subscriber_id: subscriberId, reason: 'failing' });
    expect(alert.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(alertsOf('subscriber.failing')[0]?.data).toMatchObject({ subscriber_id: subscriberId });
    const ids = alerts.received.map((request) => request.headers['webhook-id']);
    expect(ids.slice(1)).toContain(ids[0]); // the 503'd alert was sent again, same id
    expect(alerts.received.length).toBe(new Set(ids).size + 1);

    // The dashboard shows the badge and the reason.
    const dashboard = await loginToDashboard(gateway.url);
    const page = textOf((await dashboard.get('/dashboard/subscribers')).html);
    expect(page).toContain('disabled auto-disabled: every attempt failed');
  }, 60_000);

  it('PATCH enabled:true re-enables; its next success sends subscriber.recovered', async () => {
    subscriber.respondWith(() => ({ status: 200 }));
    const enabled = await apiCall<Subscriber>(
      gateway.url,
      'PATCH',
      `/subscribers/${subscriberId}`,
      { enabled: true },
      200,
    );
    expect(enabled).toMatchObject({ enabled: true, state: 'active', disabled_reason: null });
    await waitFor(() => gateway.workers?.lanes.running().includes(subscriberId), { what: 'its lane' });
    expect((await gateway.post('/ipn/2checkout', signedIpn('7100002'))).status).toBe(200);
    await waitFor(() => alertsOf('subscriber.recovered').length === 1, {
      what: 'the recovered alert',
      timeoutMs: 20_000,
    });
    expect(alertsOf('subscriber.recovered')[0]?.data).toEqual({ subscriber_id: subscriberId });
    expect((await read()).state).toBe('active');
  }, 30_000);
});

describe('delivery.exhausted and message.unverified alerts', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let subscriber: RecordingServer;
  let alerts: RecordingServer;
  let subscriberId: string;
  let keepAlive: NodeJS.Timeout;

  beforeAll(async () => {
    database = await createTestDatabase();
    alerts = await startRecordingServer(() => ({ status: 200 }));
    gateway = await startTestGateway(
      testConfig(database, {
        ALERT_WEBHOOK_URL: alerts.url,
        ALERT_WEBHOOK_SECRET: ALERT_SECRET,
        SUBSCRIBER_DISABLE_AFTER: '0',
        PROVIDER_SILENCE_ALERT: '2s',
      }),
      database,
    );
    subscriber = await startRecordingServer(() => ({ status: 500 }));
    subscriberId = (await createSubscriber(gateway.url, { url: subscriber.url })).id;
    // 2Checkout traffic all along (tampered: stored and rejected, no event), so only PayPal,
    // quiet after its one message below, can fall silent.
    const tampered = fixture('2checkout', 'ipn-tampered.txt');
    keepAlive = setInterval(() => void gateway.post('/ipn/2checkout', tampered).catch(() => {}), 400);
  });
  afterAll(async () => {
    clearInterval(keepAlive);
    await gateway?.close();
    await Promise.all([subscriber?.close(), alerts?.close()]);
    await database?.drop();
  });

  const received = (type: string) => alerts.received.map(verified).filter((alert) => alert.type === type);

  it('a delivery that used up its retries → delivery.exhausted with its ids', async () => {
    expect((await gateway.post('/ipn/2checkout', signedIpn('7200001'))).status).toBe(200);
    const [alert] = await waitFor(
      () => (received('delivery.exhausted').length === 1 ? received('delivery.exhausted') : undefined),
      {
        what: 'the exhausted alert',
      },
    );
    const deliveries = await apiCall<{ data: Array<{ id: string; event_id: string; status: string }> }>(
      gateway.url,
      'GET',
      `/deliveries?subscriber_id=${subscriberId}`,
      undefined,
      200,
    );
    expect(deliveries.data[0]?.status).toBe('failed');
    expect(alert?.data).toMatchObject({
      subscriber_id: subscriberId,
      delivery_id: deliveries.data[0]?.id,
      event_id: deliveries.data[0]?.event_id,
    });
  });

  it('a message whose check gives no verdict in time is given up → message.unverified', async () => {
    const messageId = 'msg_01JD5Q8Z3R4B9T6W2X7Y0KMN1P';
    await gateway.db.rows(sql`
      insert into inbound_messages
        (id, provider, account, kind, received_at, status, headers, raw_body, verify_attempts, next_verify_at)
      values (${messageId}, 'paypal', 'default', 'ipn', now() - interval '1 hour', 'pending', '{}'::jsonb,
              'x=1'::bytea, 0, now())`);
    // A check that never reaches a verdict, given up a minute after receipt.
    const verifier = {
      verify: () => ({ step: 'retry' as const, reason: 'postback failed: HTTP 503' }),
      timeoutMs: 1000,
      retryScheduleMs: [60_000],
      giveUpAfterMs: 60_000,
    };
    const messageVerifier = new MessageVerifier({
      db: gateway.db,
      logger: gateway.logger,
      dispatcher: gateway.dispatcher,
      instances: [checkOnlyInstance(verifier)],
      network: new NetworkClient(),
      alerts: true,
    });
    await messageVerifier.handle({ messageId, attempt: 0 });
    const [message] = await gateway.db.rows<{ status: string }>(
      sql`select status from inbound_messages where id = ${messageId}`,
    );
    expect(message?.status).toBe('rejected');
    const [alert] = await waitFor(
      () => (received('message.unverified').length === 1 ? received('message.unverified') : undefined),
      { what: 'the unverified alert' },
    );
    expect(alert?.data).toMatchObject({
      message_id: messageId,
      provider: 'paypal',
      account: 'default',
      reason: expect.stringContaining('HTTP 503'),
    });
  });

  it('an enabled provider that sent nothing for PROVIDER_SILENCE_ALERT → provider.silent', async () => {
    const [alert] = await waitFor(
      () => (received('provider.silent').length > 0 ? received('provider.silent') : undefined),
      { what: 'the silence alert', timeoutMs: 20_000 },
    );
    expect(alert?.data).toMatchObject({ provider: 'paypal', account: 'default' });
    expect(received('provider.silent').every((entry) => entry.data.provider === 'paypal')).toBe(true);
  }, 30_000);
});
