import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CreatedSubscriber, createSubscriber } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { answer, type FakePaypal, startFakePaypal } from '../support/fake-paypal';
import { fixture, PAYPAL_WINDOWS_1252_SAMPLE } from '../support/fixtures';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { storedMessages } from '../support/messages';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';

describe('raw pass-through subscribers', () => {
  let database: TestDatabase;
  let paypal: FakePaypal;
  let gateway: TestGateway;
  let legacy: RecordingServer;
  let modern: RecordingServer;
  let rawSubscriber: CreatedSubscriber;

  beforeAll(async () => {
    database = await createTestDatabase();
    paypal = await startFakePaypal();
    gateway = await startTestGateway(testConfig(database, { PAYPAL_VERIFY_URL: paypal.url }), database);
    legacy = await startRecordingServer();
    modern = await startRecordingServer();
    rawSubscriber = await createSubscriber(gateway.url, { url: legacy.url, format: 'raw' });
    await createSubscriber(gateway.url, { url: modern.url });
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([paypal?.close(), legacy?.close(), modern?.close()]);
    await database?.drop();
  });

  it('forwards a windows-1252 PayPal IPN byte for byte with its content-type, signed', async () => {
    const body = Buffer.from(PAYPAL_WINDOWS_1252_SAMPLE, 'latin1');
    const response = await gateway.post('/ipn/paypal', body, {
      'content-type': 'application/x-www-form-urlencoded; charset=windows-1252',
    });
    expect(response.status).toBe(200);
    await waitFor(() => legacy.received.length === 1, { what: 'the raw delivery' });
    const forwarded = legacy.received[0];
    expect(forwarded?.body.equals(body)).toBe(true);
    expect(forwarded?.headers['content-type']).toBe(
      'application/x-www-form-urlencoded; charset=windows-1252',
    );
    // The legacy listener can still post it back to PayPal unchanged: same bytes as PayPal sent.
    expect(
      Buffer.concat([Buffer.from('cmd=_notify-validate&'), forwarded?.body as Buffer]).equals(
        paypal.received[0]?.body as Buffer,
      ),
    ).toBe(true);
    // Not JSON, so sign with the library and compare (its verify() parses the payload as JSON).
    const timestamp = Number(forwarded?.headers['webhook-timestamp']);
    const expected = new Webhook(rawSubscriber.secret).sign(
      String(forwarded?.headers['webhook-id']),
      new Date(timestamp * 1000),
      forwarded?.body.toString('latin1') as string,
    );
    expect(String(forwarded?.headers['webhook-signature']).split(' ')).toContain(expected);
    await waitFor(() => modern.received.length === 1, { what: 'the JSON delivery' });
    expect(JSON.parse(modern.received[0]?.body.toString() ?? '{}').data.customer.first_name).toBe('Renée');
  });

  it('forwards a 2Checkout IPN byte for byte', async () => {
    const body = fixture('2checkout', 'ipn-refund.txt');
    expect((await gateway.post('/ipn/2checkout', body)).status).toBe(200);
    await waitFor(() => legacy.received.length === 2, { what: 'the raw 2Checkout delivery' });
    expect(legacy.received[1]?.body.equals(body)).toBe(true);
    expect(legacy.received[1]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('never forwards an INVALID, a rejected or a tampered message', async () => {
    paypal.respondWith(() => answer.invalid());
    const invalid = fixture('paypal', 'web_accept-completed.txt');
    expect((await gateway.post('/ipn/paypal', invalid)).status).toBe(200);
    expect((await gateway.post('/ipn/paypal', fixture('paypal', 'seed-refunded.txt'))).status).toBe(200); // sandbox in live mode
    expect((await gateway.post('/ipn/2checkout', fixture('2checkout', 'ipn-tampered.txt'))).status).toBe(400);
    await waitFor(
      async () => {
        const messages = await storedMessages(gateway.db);
        return messages.length === 5 && messages.every((message) => message.status !== 'pending');
      },
      { what: 'every message to settle' },
    );
    const statuses = (await storedMessages(gateway.db)).map((message) => message.status);
    expect(statuses).toEqual(['verified', 'verified', 'invalid', 'rejected', 'rejected']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(legacy.received).toHaveLength(2);
    expect(modern.received).toHaveLength(2);
  });
});
