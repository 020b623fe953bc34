// A provider registered from the test folder runs end to end — ingest, inline and out-of-band
// verification, event, delivery — with no change to src/. The same verify worker serves it and
// PayPal at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_PLUGINS } from '../../providers/index';
import { randomPaypalIds } from '../../providers/paypal/simulator/paypal-ids';
import { buildPaypalMessage } from '../../providers/paypal/simulator/paypal-message';
import { findPaypalTemplate } from '../../providers/paypal/simulator/paypal-templates';
import { ConfigError, loadConfig } from '../../src/config/config';
import { createSubscriber } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakePaypal, startFakePaypal } from '../support/fake-paypal';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { storedMessages } from '../support/messages';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';
import { signNotice, testpayPlugin } from '../support/test-provider';

const TOKEN = 'testpay-token-123';
const plugins = [...PROVIDER_PLUGINS, testpayPlugin];

let database: TestDatabase;
let gateway: TestGateway;
let subscriber: RecordingServer;
let confirmations: RecordingServer;
let paypal: FakePaypal;

beforeAll(async () => {
  database = await createTestDatabase();
  subscriber = await startRecordingServer();
  paypal = await startFakePaypal();
  // Confirms notices whose id starts with "ok-"; anything else is not genuine.
  confirmations = await startRecordingServer(
    (request) => ({ status: 200, body: request.path.includes('/ok-') ? 'genuine' : 'unknown' }),
    '/confirm/',
  );
  gateway = await startTestGateway(
    testConfig(
      database,
      {
        TESTPAY_TOKEN: TOKEN,
        TESTPAY_CONFIRM_URL: confirmations.url,
        PAYPAL_VERIFY_URL: paypal.url,
        PAYPAL_MODE: 'sandbox',
      },
      { plugins },
    ),
    database,
  );
  await createSubscriber(gateway.url, { url: subscriber.url });
});

afterAll(async () => {
  await gateway?.close();
  await subscriber?.close();
  await confirmations?.close();
  await paypal?.close();
  await database?.drop();
});

const delivered = (transactionId: string) =>
  waitFor(
    () =>
      subscriber.received
        .map((request) => JSON.parse(request.body.toString()))
        .find((event) => event.data.transaction_id === transactionId),
    { what: `delivery of ${transactionId}` },
  );

describe('a provider registered from the tests', () => {
  it('is enabled by its own setting and mounted with its own paths', () => {
    expect(gateway.config.providers).toContain('testpay');
    expect(gateway.providers.find((p) => p.provider === 'testpay')?.endpoints.map((e) => e.path)).toEqual([
      '/notices/testpay',
      '/callbacks/testpay',
    ]);
  });

  it('inline verification from a header: accepted → event → delivered to a subscriber', async () => {
    const body = Buffer.from(JSON.stringify({ id: 'tx-inline-1', status: 'paid', amount: '12.50' }));
    const response = await gateway.post('/notices/testpay', body, {
      'content-type': 'application/json',
      'x-testpay-signature': signNotice(TOKEN, body),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
    const event = await delivered('tx-inline-1');
    expect(event).toMatchObject({
      type: 'payment.completed',
      provider: 'testpay',
      account: 'default',
      channel: 'notice',
      data: { amount: '12.50', currency: 'EUR' },
    });
  });

  it('a bad header signature → 400 problem, stored as rejected', async () => {
    const body = Buffer.from(JSON.stringify({ id: 'tx-forged', status: 'paid', amount: '1.00' }));
    const response = await gateway.post('/notices/testpay', body, { 'x-testpay-signature': 'nope' });
    expect(response.status).toBe(400);
    const message = (await storedMessages(gateway.db)).find((row) => row.raw_body.equals(body));
    expect(message).toMatchObject({ provider: 'testpay', kind: 'notice', status: 'rejected' });
  });

  it('out of band: the core sends the confirmation request, then the event is delivered', async () => {
    const body = Buffer.from(JSON.stringify({ id: 'ok-callback-1', status: 'paid', amount: '3.00' }));
    const response = await gateway.post('/callbacks/testpay', body, { 'content-type': 'application/json' });
    expect(response.status).toBe(202);
    const event = await delivered('ok-callback-1');
    expect(event.channel).toBe('callback');
    expect(confirmations.received.map((request) => request.path)).toContain('/confirm/ok-callback-1');
  });

  it('out of band, not confirmed → invalid, nothing delivered', async () => {
    const body = Buffer.from(JSON.stringify({ id: 'bad-callback-1', status: 'paid', amount: '3.00' }));
    await gateway.post('/callbacks/testpay', body, { 'content-type': 'application/json' });
    const message = await waitFor(
      async () => {
        const row = (await storedMessages(gateway.db)).find((candidate) => candidate.raw_body.equals(body));
        return row && row.status !== 'pending' ? row : undefined;
      },
      { what: 'the callback to be settled' },
    );
    expect(message.status).toBe('invalid');
  });

  it('the same verify worker checks PayPal IPNs meanwhile', async () => {
    const template = findPaypalTemplate('payment.completed');
    if (!template) throw new Error('no template');
    const ipn = buildPaypalMessage({ template, ids: randomPaypalIds(), now: new Date(), key: 'k' });
    expect((await gateway.post('/ipn/paypal', ipn.body)).status).toBe(200);
    await delivered(ipn.txnId ?? '-');
    expect(paypal.received.length).toBeGreaterThan(0);
  });

  it('without its setting it is off, and configuration names the variable that enables it', () => {
    const config = loadConfig({}, { plugins });
    expect(config.providers).not.toContain('testpay');
    expect(config.providerConfig.disabled).toContainEqual({
      id: 'testpay',
      enabledBy: 'TESTPAY_TOKEN',
      configured: false,
    });
    expect(() => loadConfig({ PROVIDERS: 'testpay' }, { plugins })).toThrow(ConfigError);
    try {
      loadConfig({ PROVIDERS: 'testpay' }, { plugins });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        expect.stringMatching(/testpay is enabled but TESTPAY_TOKEN/),
      ]);
    }
  });
});
