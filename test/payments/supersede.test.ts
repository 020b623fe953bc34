// docs/contract.md section 8, "no regressions, no repeats": end to end through the HTTP endpoints, with a subscriber
// that receives whatever is delivered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubscriber } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakePaypal, startFakePaypal } from '../support/fake-paypal';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { storedMessages } from '../support/messages';
import { paymentEvents, paypalIpn, storedPayment, twocheckoutIpn } from '../support/payments';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';

describe('payments: superseded events are stored and not delivered', () => {
  let database: TestDatabase;
  let paypal: FakePaypal;
  let gateway: TestGateway;
  let subscriber: RecordingServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    paypal = await startFakePaypal();
    subscriber = await startRecordingServer();
    gateway = await startTestGateway(testConfig(database, { PAYPAL_VERIFY_URL: paypal.url }), database);
    await createSubscriber(gateway.url, { url: subscriber.url });
  });
  afterAll(async () => {
    await gateway?.close();
    await paypal?.close();
    await subscriber?.close();
    await database?.drop();
  });

  /** Bodies the subscriber received for one transaction (or its children). */
  const receivedFor = (transactionId: string) =>
    subscriber.received
      .map((request) => JSON.parse(request.body.toString('utf8')))
      .filter(
        (event) =>
          event.data.transaction_id === transactionId || event.data.parent_transaction_id === transactionId,
      );

  /** Posts a PayPal IPN and waits until its postback settled it. */
  async function postPaypal(body: string): Promise<void> {
    const before = new Set((await storedMessages(gateway.db)).map((message) => message.id));
    expect((await gateway.post('/ipn/paypal', body)).status).toBe(200);
    await waitFor(
      async () => {
        const created = (await storedMessages(gateway.db)).find((message) => !before.has(message.id));
        return created !== undefined && created.status !== 'pending';
      },
      { what: 'the IPN to be verified' },
    );
  }

  it('PayPal Completed then Pending: one payment.completed delivered, the pending one superseded', async () => {
    const txnId = '61E67681CH3238416';
    await postPaypal(paypalIpn({ txnId, status: 'Completed', gross: '20.00' }));
    await postPaypal(paypalIpn({ txnId, status: 'Pending', gross: '20.00' }));

    const events = await paymentEvents(gateway.db, 'paypal', txnId);
    expect(events.map((event) => [event.type, event.superseded, event.deliveries])).toEqual([
      ['payment.completed', false, 1],
      ['payment.pending', true, 0],
    ]);
    await waitFor(() => receivedFor(txnId).length === 1, { what: 'the completed event' });
    expect(receivedFor(txnId).map((event) => [event.type, event.superseded])).toEqual([
      ['payment.completed', false],
    ]);
    expect(await storedPayment(gateway.db, 'paypal', txnId)).toMatchObject({
      state: 'payment.completed',
      amount: '20.00',
      currency: 'USD',
      refunded_amount: null,
      order_id: `INV-${txnId}`,
      customer_email: 'buyer@example.com',
      livemode: true,
    });
  });

  it('2Checkout COMPLETE twice for one REFNO with different MESSAGE_IDs: one delivery', async () => {
    const refno = '731002001';
    for (const messageId of ['200000000001', '200000000002']) {
      const response = await gateway.post(
        '/ipn/2checkout',
        twocheckoutIpn({ refno, type: 'payment.completed', messageId }),
      );
      expect(response.status).toBe(200);
    }
    const events = await paymentEvents(gateway.db, '2checkout', refno);
    expect(events.map((event) => [event.type, event.superseded, event.deliveries])).toEqual([
      ['payment.completed', false, 1],
      ['payment.completed', true, 0],
    ]);
    await waitFor(() => receivedFor(refno).length === 1, { what: 'the completed event' });
    expect(await storedPayment(gateway.db, '2checkout', refno)).toMatchObject({
      state: 'payment.completed',
      amount: '82.80',
      currency: 'EUR',
      refunded_amount: null,
    });
  });

  it('completed, two partial refunds, a reversal and its cancellation: all delivered, refunds summed exactly', async () => {
    const txnId = '8MC585209K746392H';
    await postPaypal(paypalIpn({ txnId, status: 'Completed', gross: '30.00' }));
    await postPaypal(
      paypalIpn({ txnId: '2RF000000000001A', parentTxnId: txnId, status: 'Refunded', gross: '-10.10' }),
    );
    await postPaypal(
      paypalIpn({ txnId: '2RF000000000002B', parentTxnId: txnId, status: 'Refunded', gross: '-0.20' }),
    );
    // 10.10 + 0.20 is not 10.3 in floating point; the sum must be exact.
    expect(await storedPayment(gateway.db, 'paypal', txnId)).toMatchObject({
      state: 'payment.refunded',
      amount: '30.00',
      refunded_amount: '10.30',
    });
    await postPaypal(
      paypalIpn({ txnId: '3RV000000000003C', parentTxnId: txnId, status: 'Reversed', gross: '-19.70' }),
    );
    expect((await storedPayment(gateway.db, 'paypal', txnId))?.state).toBe('payment.reversed');
    await postPaypal(
      paypalIpn({
        txnId: '4CR000000000004D',
        parentTxnId: txnId,
        status: 'Canceled_Reversal',
        gross: '19.70',
      }),
    );

    const events = await paymentEvents(gateway.db, 'paypal', txnId);
    expect(events.map((event) => [event.type, event.superseded, event.deliveries])).toEqual([
      ['payment.completed', false, 1],
      ['payment.refunded', false, 1],
      ['payment.refunded', false, 1],
      ['payment.reversed', false, 1],
      ['payment.reversal_canceled', false, 1],
    ]);
    await waitFor(() => receivedFor(txnId).length === 5, { what: 'five deliveries' });
    expect(await storedPayment(gateway.db, 'paypal', txnId)).toMatchObject({
      state: 'payment.reversal_canceled',
      amount: '30.00',
      refunded_amount: '10.30',
    });
  });

  it('a refund that arrives again through another message is superseded and not counted twice', async () => {
    const refno = '731002002';
    await gateway.post(
      '/ipn/2checkout',
      twocheckoutIpn({ refno, type: 'payment.completed', messageId: '300000000001' }),
    );
    const refund = (messageId: string, total: string) =>
      gateway.post('/ipn/2checkout', twocheckoutIpn({ refno, type: 'payment.refunded', messageId, total }));
    await refund('300000000002', '-12.00');
    await refund('300000000003', '-12.00');
    await refund('300000000004', '-3.45');
    const events = await paymentEvents(gateway.db, '2checkout', refno);
    expect(events.map((event) => [event.type, event.superseded])).toEqual([
      ['payment.completed', false],
      ['payment.refunded', false],
      ['payment.refunded', true],
      ['payment.refunded', false],
    ]);
    expect(await storedPayment(gateway.db, '2checkout', refno)).toMatchObject({
      state: 'payment.refunded',
      refunded_amount: '15.45',
    });
  });

  it('events outside the transition table make no payment and are delivered as before', async () => {
    const response = await gateway.post(
      '/ipn/paypal',
      paypalIpn({ txnId: 'NOPAY000000000001', status: 'Completed', gross: '1.00', txnType: 'masspay' }),
    );
    expect(response.status).toBe(200);
    await waitFor(
      async () =>
        (await paymentEvents(gateway.db, 'paypal', 'NOPAY000000000001')).length === 0 &&
        (await storedMessages(gateway.db)).every((message) => message.status !== 'pending'),
    );
    expect(await storedPayment(gateway.db, 'paypal', 'NOPAY000000000001')).toBeUndefined();
  });
});
