// The simulators against a real gateway (PostgreSQL, Redis, workers), PayPal verified end to end
// through the fake-paypal server.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendTwocheckoutMessages } from '../../providers/2checkout/simulator/send-twocheckout';
import {
  SIGNATURE_ALGORITHMS,
  TWOCHECKOUT_EVENT_TYPES,
} from '../../providers/2checkout/simulator/twocheckout-message';
import {
  type FakePaypalServer,
  startFakePaypalServer,
} from '../../providers/paypal/simulator/fake-paypal-server';
import { randomPaypalIds } from '../../providers/paypal/simulator/paypal-ids';
import { buildPaypalMessage } from '../../providers/paypal/simulator/paypal-message';
import { findPaypalTemplate, PAYPAL_TEMPLATES } from '../../providers/paypal/simulator/paypal-templates';
import { sendPaypalMessages } from '../../providers/paypal/simulator/send-paypal';
import { DEFAULT_SIMULATOR_KEY } from '../../providers/paypal/simulator/simulator-signature';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  startTestGateway,
  type TestGateway,
  TWOCHECKOUT_TEST_KEY,
  testConfig,
  waitFor,
} from '../support/gateway';
import { type StoredMessage, storedMessages } from '../support/messages';

interface MessageOutcome extends Record<string, unknown> {
  status: string;
  reason: string | null;
  type: string | null;
  first_name: string | null;
}

describe('simulators against a gateway', () => {
  let database: TestDatabase;
  let fakePaypal: FakePaypalServer;
  let gateway: TestGateway;
  const verdicts: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    fakePaypal = await startFakePaypalServer({
      host: '127.0.0.1',
      port: 0,
      key: DEFAULT_SIMULATOR_KEY,
      onPostback: (record) => verdicts.push(record.verdict),
    });
    gateway = await startTestGateway(
      testConfig(database, { PAYPAL_MODE: 'sandbox', PAYPAL_VERIFY_URL: fakePaypal.url }),
      database,
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await fakePaypal?.close();
    await database?.drop();
  });

  /** What became of the message stored with exactly these bytes, once it left `pending`. */
  async function outcomeOf(body: Buffer): Promise<MessageOutcome> {
    const message = await waitFor(
      async () => {
        const found = (await storedMessages(database.handle)).find((row: StoredMessage) =>
          row.raw_body.equals(body),
        );
        return found && found.status !== 'pending' ? found : undefined;
      },
      { what: 'the message to be verified' },
    );
    const [row] = await database.handle.rows<MessageOutcome>(sql`
      select m.status, m.reason, e.type, e.body::jsonb #>> '{data,customer,first_name}' as first_name
      from inbound_messages m left join events e on e.id = m.event_id
      where m.id = ${message.id}`);
    if (!row) throw new Error('message vanished');
    return row;
  }

  /** Sends one simulated IPN of `type` (an event type or message kind). */
  async function sendPaypal(type: string, options: { key?: string; charset?: string } = {}) {
    const template = findPaypalTemplate(type);
    if (!template) throw new Error(`no template ${type}`);
    const [result] = await sendPaypalMessages({
      gatewayUrl: gateway.url,
      template,
      count: 1,
      key: options.key ?? DEFAULT_SIMULATOR_KEY,
      charset: options.charset,
    });
    if (!result) throw new Error('nothing sent');
    return result;
  }

  it('every PayPal type becomes its event type through the fake-paypal verifier', async () => {
    const sent = [];
    for (const template of PAYPAL_TEMPLATES) {
      const result = await sendPaypal(template.name, {
        charset: template.name === 'cart' ? 'UTF-8' : 'windows-1252',
      });
      expect(result.status).toBe(200);
      sent.push(result);
    }
    for (const { message } of sent) {
      const outcome = await outcomeOf(message.body);
      expect({ template: message.template, ...outcome }).toEqual({
        template: message.template,
        status: 'verified',
        reason: null,
        type: message.expectedType,
        first_name: expect.any(String),
      });
    }
    expect(verdicts.filter((verdict) => verdict === 'VERIFIED').length).toBeGreaterThanOrEqual(
      PAYPAL_TEMPLATES.length,
    );
  });

  it('decodes the simulated names with the charset the message names', async () => {
    for (const charset of ['windows-1252', 'UTF-8']) {
      const result = await sendPaypal('payment.completed', { charset });
      expect(await outcomeOf(result.message.body)).toMatchObject({
        status: 'verified',
        first_name: 'Renée',
      });
    }
  });

  it('a tampered simulated message gets INVALID and makes no event', async () => {
    const template = findPaypalTemplate('payment.completed');
    if (!template) throw new Error('no template');
    const message = buildPaypalMessage({
      template,
      ids: randomPaypalIds(),
      now: new Date(),
      key: DEFAULT_SIMULATOR_KEY,
    });
    const tampered = Buffer.from(
      message.body.toString('latin1').replace(/^mc_gross=[^&]*/, 'mc_gross=0.01'),
      'latin1',
    );
    expect(tampered.equals(message.body)).toBe(false);
    expect((await gateway.post('/ipn/paypal', tampered)).status).toBe(200);
    expect(await outcomeOf(tampered)).toMatchObject({ status: 'invalid', type: null });
    expect(verdicts).toContain('INVALID');
  });

  it('a message signed with another simulator key gets INVALID', async () => {
    const result = await sendPaypal('dispute.opened', { key: 'someone-else' });
    expect(await outcomeOf(result.message.body)).toMatchObject({ status: 'invalid', type: null });
  });

  it('every 2Checkout type is accepted with a correct receipt for each algorithm', async () => {
    const choices = [...SIGNATURE_ALGORITHMS.map((algorithm) => [algorithm]), SIGNATURE_ALGORITHMS];
    for (const type of TWOCHECKOUT_EVENT_TYPES) {
      for (const algorithms of choices) {
        const results = await sendTwocheckoutMessages({
          gatewayUrl: gateway.url,
          type,
          count: 2,
          secretKey: TWOCHECKOUT_TEST_KEY,
          algorithms,
        });
        for (const result of results) {
          expect({ type, algorithms, status: result.status, receipt: result.receipt }).toEqual({
            type,
            algorithms,
            status: 200,
            receipt: { ok: true, algorithm: algorithms.at(-1), date: expect.stringMatching(/^\d{14}$/) },
          });
          expect(result.ok).toBe(true);
          // 2Checkout is verified inline: the event exists once the receipt is sent.
          const outcome = await outcomeOf(result.message.body);
          expect(outcome).toMatchObject({ status: 'verified', type: result.message.expectedType });
        }
      }
    }
  });

  it('reports a missing receipt when the secret key is wrong', async () => {
    const [result] = await sendTwocheckoutMessages({
      gatewayUrl: gateway.url,
      type: 'payment.completed',
      count: 1,
      secretKey: 'not-the-gateway-key',
      algorithms: ['sha256'],
    });
    expect(result).toMatchObject({
      status: 400,
      ok: false,
      receipt: { ok: false, problem: 'no receipt in the answer' },
    });
  });
});
