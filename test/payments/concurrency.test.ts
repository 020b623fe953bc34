// 20 notifications of one transaction posted at once, in random order, end in the same payment
// as the same 20 posted one by one in provider order. Repeated over several rounds, both through
// 2Checkout's group-committed ingest and PayPal's one-statement-per-verification path.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakePaypal, startFakePaypal } from '../support/fake-paypal';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { storedMessages } from '../support/messages';
import {
  type PaymentEventRow,
  paymentEvents,
  paypalIpn,
  type StoredPayment,
  storedPayment,
  type TwocheckoutStatus,
  twocheckoutIpn,
} from '../support/payments';

const ROUNDS = 5;

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/** What must not depend on arrival order. */
function comparable(payment: StoredPayment | undefined) {
  expect(payment).toBeDefined();
  const { state, amount, currency, refunded_amount, livemode, customer_email } = payment as StoredPayment;
  return { state, amount, currency, refunded_amount, livemode, customer_email };
}

/** Whatever the order: each non-repeatable type delivered at most once, each distinct refund exactly once. */
function expectNoRepeats(events: PaymentEventRow[], distinctRefunds: number) {
  const delivered = events.filter((event) => !event.superseded);
  for (const event of events) expect(event.deliveries).toBe(event.superseded ? 0 : 1);
  const refunds = delivered.filter((event) => event.type === 'payment.refunded');
  expect(refunds).toHaveLength(distinctRefunds);
  const others = delivered.filter((event) => event.type !== 'payment.refunded').map((event) => event.type);
  expect(new Set(others).size).toBe(others.length);
}

// Provider order: pending, authorized, completed (several times), canceled late, refunds, reversal.
const TWOCHECKOUT_SEQUENCE: Array<[TwocheckoutStatus, string?]> = [
  ['payment.pending'],
  ['payment.pending'],
  ['payment.pending'],
  ['payment.authorized'],
  ['payment.authorized'],
  ['payment.completed'],
  ['payment.completed'],
  ['payment.completed'],
  ['payment.completed'],
  ['payment.completed'],
  ['payment.canceled'],
  ['payment.refunded', '-1.00'],
  ['payment.refunded', '-2.00'],
  ['payment.refunded', '-1.00'],
  ['payment.refunded', '-3.33'],
  ['payment.refunded', '-0.01'],
  ['payment.refunded', '-2.00'],
  ['payment.refunded', '-10.50'],
  ['payment.reversed'],
  ['payment.reversed'],
];

describe('payments under concurrency', () => {
  let database: TestDatabase;
  let paypal: FakePaypal;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase();
    paypal = await startFakePaypal();
    gateway = await startTestGateway(testConfig(database, { PAYPAL_VERIFY_URL: paypal.url }), database);
    // A subscriber, so delivery rows are written (and must be skipped for superseded events).
    const response = await fetch(`${gateway.url}/api/subscribers`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin-token-0123456789', 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://127.0.0.1:9/unused' }),
    });
    expect(response.status).toBe(201);
  });
  afterAll(async () => {
    await gateway?.close();
    await paypal?.close();
    await database?.drop();
  });

  it(`2Checkout: 20 notifications at once in random order, ${ROUNDS} rounds`, async () => {
    const bodies = (refno: string, round: number) =>
      TWOCHECKOUT_SEQUENCE.map(([type, total], index) =>
        twocheckoutIpn({ refno, type, messageId: `${round}${String(index).padStart(11, '0')}`, total }),
      );
    const sequentialRefno = '900000000';
    for (const body of bodies(sequentialRefno, 9)) {
      expect((await gateway.post('/ipn/2checkout', body)).status).toBe(200);
    }
    const expected = comparable(await storedPayment(gateway.db, '2checkout', sequentialRefno));
    expect(expected).toMatchObject({ state: 'payment.reversed', amount: '82.80', refunded_amount: '16.84' });
    expectNoRepeats(await paymentEvents(gateway.db, '2checkout', sequentialRefno), 5);

    for (let round = 1; round <= ROUNDS; round++) {
      const refno = `90000000${round}`;
      const answers = await Promise.all(
        shuffled(bodies(refno, round)).map((body) => gateway.post('/ipn/2checkout', body)),
      );
      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
      expect(comparable(await storedPayment(gateway.db, '2checkout', refno))).toEqual(expected);
      const events = await paymentEvents(gateway.db, '2checkout', refno);
      expect(events).toHaveLength(20);
      expectNoRepeats(events, 5);
    }
  });

  it('PayPal: 20 notifications at once in random order, verified concurrently, 3 rounds', async () => {
    const bodies = (txnId: string) => {
      const child = (suffix: string, status: string, gross: string) =>
        paypalIpn({ txnId: `${txnId.slice(0, 12)}${suffix}`, parentTxnId: txnId, status, gross });
      return [
        paypalIpn({ txnId, status: 'Pending', gross: '40.00' }),
        paypalIpn({ txnId, status: 'Pending', gross: '40.00', receiverId: 'RH7C366NHLF4Z' }),
        paypalIpn({ txnId, status: 'Completed', gross: '40.00' }),
        paypalIpn({ txnId, status: 'Completed', gross: '40.00', receiverId: 'RH7C366NHLF4Z' }),
        paypalIpn({
          txnId,
          status: 'Completed',
          gross: '40.00',
          receiverEmail: null,
          receiverId: 'RH7C366NHL',
        }),
        ...['A1', 'A2', 'A3', 'A4', 'A5'].map((suffix, index) =>
          child(suffix, 'Refunded', `-${index + 1}.25`),
        ),
        child('A1', 'Refunded', '-1.25'),
        paypalIpn({
          txnId: `${txnId.slice(0, 12)}A2`,
          parentTxnId: txnId,
          status: 'Refunded',
          gross: '-2.25',
          receiverId: 'X1',
        }),
        child('B1', 'Reversed', '-23.75'),
        paypalIpn({
          txnId: `${txnId.slice(0, 12)}B1`,
          parentTxnId: txnId,
          status: 'Reversed',
          gross: '-23.75',
          receiverId: 'X2',
        }),
        child('C1', 'Canceled_Reversal', '23.75'),
        paypalIpn({ txnId, status: 'Denied', gross: '40.00' }),
        paypalIpn({ txnId, status: 'Failed', gross: '40.00' }),
        paypalIpn({ txnId, status: 'Voided', gross: '40.00' }),
        paypalIpn({ txnId, status: 'Processed', gross: '40.00' }),
        paypalIpn({ txnId, status: 'Expired', gross: '40.00' }),
      ];
    };
    const settled = (count: number) =>
      waitFor(
        async () =>
          (await storedMessages(gateway.db)).filter((m) => m.provider === 'paypal' && m.status !== 'pending')
            .length >= count,
        {
          what: 'every PayPal message verified',
          timeoutMs: 20_000,
        },
      );
    let posted = 0;
    const sequentialTxn = '7SEQ000000000000';
    for (const body of bodies(sequentialTxn)) {
      expect((await gateway.post('/ipn/paypal', body)).status).toBe(200);
      posted += 1;
      await settled(posted);
    }
    const expected = comparable(await storedPayment(gateway.db, 'paypal', sequentialTxn));
    expect(expected).toMatchObject({
      state: 'payment.reversal_canceled',
      amount: '40.00',
      refunded_amount: '16.25',
    });

    for (let round = 1; round <= 3; round++) {
      const txnId = `7RND${round}00000000000`;
      const answers = await Promise.all(
        shuffled(bodies(txnId)).map((body) => gateway.post('/ipn/paypal', body)),
      );
      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
      posted += answers.length;
      await settled(posted);
      expect(comparable(await storedPayment(gateway.db, 'paypal', txnId))).toEqual(expected);
      expectNoRepeats(await paymentEvents(gateway.db, 'paypal', txnId), 5);
    }
  });
});
