// During a migration PayPal sends the same capture by IPN and by webhook (docs/contract.md
// sections 8 and 9): subscribers must get one payment.completed, whichever arrives first.
// The second copy is stored as a superseded event (payments) and never delivered.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomPaypalIds } from '../../providers/paypal/simulator/paypal-ids';
import { buildPaypalMessage } from '../../providers/paypal/simulator/paypal-message';
import { findPaypalTemplate } from '../../providers/paypal/simulator/paypal-templates';
import { buildWebhookBody, randomWebhookIds } from '../../providers/paypal/simulator/webhook-message';
import { createSubscriber } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakePaypal, startFakePaypal } from '../support/fake-paypal';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { storedMessages } from '../support/messages';
import {
  type CertificateServer,
  signedHeaders,
  startCertificateServer,
  TEST_WEBHOOK_ID,
  type TrustedChain,
  trustedChain,
} from '../support/paypal-webhooks';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';

let database: TestDatabase;
let paypal: FakePaypal;
let certs: CertificateServer;
let trusted: TrustedChain;
let certUrl: string;
let subscriber: RecordingServer;
let gateway: TestGateway;

beforeAll(async () => {
  database = await createTestDatabase();
  paypal = await startFakePaypal();
  certs = await startCertificateServer();
  trusted = trustedChain();
  certUrl = certs.serve('CERT-1', trusted.chain.chainPem);
  subscriber = await startRecordingServer();
  gateway = await startTestGateway(
    testConfig(database, {
      PAYPAL_MODE: 'sandbox',
      PAYPAL_VERIFY_URL: paypal.url,
      PAYPAL_WEBHOOK_ID: TEST_WEBHOOK_ID,
      PAYPAL_WEBHOOK_CERT_URL_PREFIXES: certs.base,
      PAYPAL_WEBHOOK_CA_FILE: trusted.caFile,
    }),
    database,
  );
  await createSubscriber(gateway.url, { url: subscriber.url });
});

afterAll(async () => {
  await gateway?.close();
  await paypal?.close();
  await certs?.close();
  await subscriber?.close();
  trusted?.cleanup();
  await database?.drop();
});

function sameCapture() {
  const ipnIds = randomPaypalIds();
  const template = findPaypalTemplate('payment.completed');
  if (!template) throw new Error('no template');
  const ipn = buildPaypalMessage({ template, ids: ipnIds, now: new Date(), key: 'k', amountCents: 2000 });
  // For Checkout v2 the capture id is what IPN reports as txn_id.
  const webhook = buildWebhookBody({
    type: 'payment.completed',
    ids: { ...randomWebhookIds(), resourceId: ipnIds.txnId },
    amount: '20.00',
  });
  return { captureId: ipnIds.txnId, ipn: ipn.body, webhook: webhook.body };
}

async function settled(body: Buffer) {
  return waitFor(
    async () => {
      const row = (await storedMessages(gateway.db)).find((candidate) => candidate.raw_body.equals(body));
      return row && row.status !== 'pending' ? row : undefined;
    },
    { what: 'the message to settle' },
  );
}

const postIpn = (body: Buffer) => gateway.post('/ipn/paypal', body);
const postWebhook = (body: Buffer) =>
  gateway.post('/webhooks/paypal', body, signedHeaders(body, trusted.chain.leaf.keyPem, certUrl));

async function deliveredCompletions(captureId: string, settle: () => Promise<void>) {
  await settle();
  // Both channels made an event for the capture; exactly one is superseded and has no deliveries.
  const stored = await gateway.db.rows<{ superseded: boolean; deliveries: number }>(sql`
    select e.superseded, (select count(*)::int from deliveries d where d.event_id = e.id) as deliveries
    from events e where e.payment_transaction_id = ${captureId} and e.type = 'payment.completed'`);
  expect(stored.map((row) => row.superseded).sort()).toEqual([false, true]);
  expect(stored.find((row) => row.superseded)?.deliveries).toBe(0);
  await waitFor(() => subscriber.received.some((request) => request.body.toString().includes(captureId)), {
    what: 'the delivery',
  });
  return subscriber.received
    .map((request) => JSON.parse(request.body.toString()))
    .filter((event) => event.type === 'payment.completed' && event.data.transaction_id === captureId);
}

describe('one capture, two channels', () => {
  it('IPN then webhook → one delivered payment.completed', async () => {
    const { captureId, ipn, webhook } = sameCapture();
    expect((await postIpn(ipn)).status).toBe(200);
    await settled(ipn);
    expect((await postWebhook(webhook)).status).toBe(200);
    const events = await deliveredCompletions(captureId, async () => void (await settled(webhook)));
    expect(events).toHaveLength(1);
    expect(events[0].channel).toBe('ipn');
  });

  it('webhook then IPN → one delivered payment.completed', async () => {
    const { captureId, ipn, webhook } = sameCapture();
    expect((await postWebhook(webhook)).status).toBe(200);
    await settled(webhook);
    expect((await postIpn(ipn)).status).toBe(200);
    const events = await deliveredCompletions(captureId, async () => void (await settled(ipn)));
    expect(events).toHaveLength(1);
    expect(events[0].channel).toBe('webhook');
  });
});
