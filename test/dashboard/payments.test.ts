import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubscriber } from '../support/admin-client';
import { type DashboardClient, loginToDashboard, textOf } from '../support/dashboard-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestGateway, type TestGateway, testConfig } from '../support/gateway';
import { twocheckoutIpn } from '../support/payments';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';

const REFNO = '880000123';

describe('dashboard: payments', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let dashboard: DashboardClient;
  let subscriber: RecordingServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(testConfig(database), database);
    subscriber = await startRecordingServer();
    await createSubscriber(gateway.url, { url: subscriber.url });
    dashboard = await loginToDashboard(gateway.url);
    for (const [type, messageId, total] of [
      ['payment.completed', '1', undefined],
      ['payment.completed', '2', undefined],
      ['payment.refunded', '3', '-7.25'],
    ] as const) {
      const response = await gateway.post(
        '/ipn/2checkout',
        twocheckoutIpn({ refno: REFNO, type, messageId, total }),
      );
      expect(response.status).toBe(200);
    }
    expect(
      (
        await gateway.post(
          '/ipn/2checkout',
          twocheckoutIpn({ refno: '880000999', type: 'payment.pending', messageId: '9' }),
        )
      ).status,
    ).toBe(200);
  });
  afterAll(async () => {
    await gateway?.close();
    await subscriber?.close();
    await database?.drop();
  });

  it('lists payments and links each to its page', async () => {
    const page = await dashboard.get('/dashboard/payments');
    expect(page.status).toBe(200);
    expect(page.html).toContain(`/dashboard/payments/2checkout/${REFNO}?account=default`);
    expect(page.html).toContain('/dashboard/payments/2checkout/880000999?account=default');
    expect(textOf(page.html)).toContain('payment.refunded');
  });

  it.each([
    ['transaction id', REFNO],
    ['order id', `ORD-7${REFNO.slice(-4)}`],
    ['customer email', 'HELENE.dupont@example.com'],
  ])('searches by %s', async (_what, q) => {
    const page = await dashboard.get(`/dashboard/payments?q=${encodeURIComponent(q)}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`/dashboard/payments/2checkout/${REFNO}?account=default`);
    if (!q.includes('@')) expect(page.html).not.toContain('880000999');
  });

  it('shows one payment with its timeline: delivered and superseded events, links to events and messages', async () => {
    const page = await dashboard.get(`/dashboard/payments/2checkout/${REFNO}`);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain('payment.refunded');
    expect(text).toContain('82.80');
    expect(text).toContain('7.25');
    expect(text).toContain('superseded · not delivered');
    expect(page.html.match(/data-testid="payment-event"/g)).toHaveLength(3);
    expect(page.html.match(/data-superseded="true"/g)).toHaveLength(1);
    expect(page.html.match(/href="\/dashboard\/events\/evt_/g)?.length).toBeGreaterThanOrEqual(3);
    expect(page.html.match(/href="\/dashboard\/messages\/msg_/g)).toHaveLength(3);
  });

  it('answers 404 for an unknown payment', async () => {
    expect((await dashboard.get('/dashboard/payments/2checkout/000')).status).toBe(404);
  });

  it('marks superseded events in the event list', async () => {
    const page = await dashboard.get(`/dashboard/events?q=${REFNO}`);
    expect(page.html.match(/badge-muted">superseded</g)).toHaveLength(1);
  });
});
