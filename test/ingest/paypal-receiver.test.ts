// The receiver check happens before the postback (docs/contract.md section 10): an IPN for a PayPal account that is
// not ours is rejected at once, and PayPal is never asked about it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomPaypalIds } from '../../providers/paypal/simulator/paypal-ids';
import { buildPaypalMessage } from '../../providers/paypal/simulator/paypal-message';
import { findPaypalTemplate } from '../../providers/paypal/simulator/paypal-templates';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakePaypal, startFakePaypal } from '../support/fake-paypal';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { storedMessages } from '../support/messages';

const OURS = 'billing@shop.example';

let database: TestDatabase;
let paypal: FakePaypal;
let gateway: TestGateway;

beforeAll(async () => {
  database = await createTestDatabase();
  paypal = await startFakePaypal();
  gateway = await startTestGateway(
    testConfig(database, {
      PAYPAL_MODE: 'sandbox',
      PAYPAL_VERIFY_URL: paypal.url,
      PAYPAL_RECEIVER_EMAILS: OURS,
    }),
    database,
  );
});

afterAll(async () => {
  await gateway?.close();
  await paypal?.close();
  await database?.drop();
});

function ipnFor(receiverEmail: string) {
  const template = findPaypalTemplate('payment.completed');
  if (!template) throw new Error('no template');
  return buildPaypalMessage({ template, ids: randomPaypalIds(), now: new Date(), key: 'k', receiverEmail });
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

describe('PayPal receiver list', () => {
  it('rejects a receiver outside the list before any postback, still answering 200', async () => {
    const foreign = ipnFor('someone-else@example.com');
    const response = await gateway.post('/ipn/paypal', foreign.body);
    expect(response.status).toBe(200);
    const message = await settled(foreign.body);
    expect(message.status).toBe('rejected');
    expect(message.reason).toMatch(/someone-else@example\.com is not in PAYPAL_RECEIVER_EMAILS/);

    // A message for us, sent after it, is verified: the worker has run, and PayPal was asked
    // about that one only.
    const ours = ipnFor(OURS);
    await gateway.post('/ipn/paypal', ours.body);
    expect((await settled(ours.body)).status).toBe('verified');
    const asked = paypal.received.map((postback) => postback.body.toString('latin1'));
    expect(asked.some((body) => body.endsWith(ours.body.toString('latin1')))).toBe(true);
    expect(asked.some((body) => body.endsWith(foreign.body.toString('latin1')))).toBe(false);
  });
});
