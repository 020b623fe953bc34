import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubscriber } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakePaypal, startFakePaypal } from '../support/fake-paypal';
import { fixture } from '../support/fixtures';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';

const eventTypes = (server: RecordingServer) =>
  server.received.map((request) => JSON.parse(request.body.toString()).type as string).sort();

describe('subscriber filters', () => {
  let database: TestDatabase;
  let paypal: FakePaypal;
  let gateway: TestGateway;
  let everything: RecordingServer;
  let payments: RecordingServer;
  let twocheckoutOnly: RecordingServer;
  let completedOnly: RecordingServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    paypal = await startFakePaypal();
    gateway = await startTestGateway(testConfig(database, { PAYPAL_VERIFY_URL: paypal.url }), database);
    everything = await startRecordingServer();
    payments = await startRecordingServer();
    twocheckoutOnly = await startRecordingServer();
    completedOnly = await startRecordingServer();
    await createSubscriber(gateway.url, { url: everything.url });
    await createSubscriber(gateway.url, { url: payments.url, event_types: ['payment.*'] });
    await createSubscriber(gateway.url, { url: twocheckoutOnly.url, providers: ['2checkout'] });
    await createSubscriber(gateway.url, {
      url: completedOnly.url,
      event_types: ['payment.completed', 'license.*'],
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all(
      [paypal, everything, payments, twocheckoutOnly, completedOnly].map((server) => server?.close()),
    );
    await database?.drop();
  });

  it('routes each event only to the subscribers whose filters match', async () => {
    const posts: Array<[string, Buffer]> = [
      ['/ipn/paypal', fixture('paypal', 'web_accept-completed.txt')], // payment.completed
      ['/ipn/paypal', fixture('paypal', 'subscr_payment-completed-gbp.txt')], // subscription.payment_succeeded
      ['/ipn/paypal', fixture('paypal', 'recurring_payment_skipped.txt')], // subscription.payment_skipped
      ['/ipn/2checkout', fixture('2checkout', 'ipn-pending.txt')], // payment.pending
      ['/lcn/2checkout', fixture('2checkout', 'lcn-active.txt')], // license.changed
    ];
    for (const [path, body] of posts) expect((await gateway.post(path, body)).status).toBe(200);
    await waitFor(() => everything.received.length === 5, {
      what: 'all five events at the catch-all subscriber',
    });
    await new Promise((resolve) => setTimeout(resolve, 300)); // let any wrong delivery arrive too

    expect(eventTypes(everything)).toEqual([
      'license.changed',
      'payment.completed',
      'payment.pending',
      'subscription.payment_skipped',
      'subscription.payment_succeeded',
    ]);
    expect(eventTypes(payments)).toEqual(['payment.completed', 'payment.pending']);
    expect(eventTypes(twocheckoutOnly)).toEqual(['license.changed', 'payment.pending']);
    expect(
      twocheckoutOnly.received.every(
        (request) => JSON.parse(request.body.toString()).provider === '2checkout',
      ),
    ).toBe(true);
    expect(eventTypes(completedOnly)).toEqual(['license.changed', 'payment.completed']);
  });
});
