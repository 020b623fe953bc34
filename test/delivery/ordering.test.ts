// Ordered delivery (ordering: "transaction"): an event of a payment waits until the previous one
// of the same payment has succeeded or finally failed for that subscriber; other payments and
// other subscribers are never held.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, createSubscriber } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import {
  type RecordedRequest,
  type RecordingServer,
  startRecordingServer,
} from '../support/recording-server';
import { signedIpn } from '../support/twocheckout-signing';

const PAYMENT = '8100001';
const OTHER_PAYMENT = '8100002';
const RETRY_MS = 1000;

const describeRequest = (request: RecordedRequest) => {
  const event = JSON.parse(request.body.toString()) as { type: string; data: { transaction_id: string } };
  return `${event.data.transaction_id} ${event.type}`;
};

describe('ordering: "transaction"', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let ordered: RecordingServer;
  let unordered: RecordingServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(
      testConfig(database, { DELIVERY_RETRY_SCHEDULE: `${RETRY_MS}ms,${RETRY_MS}ms` }),
      database,
    );
    // 500 to the first attempt of the completed event of PAYMENT, 200 to everything else.
    let failedOnce = false;
    ordered = await startRecordingServer((request) => {
      if (!failedOnce && describeRequest(request) === `${PAYMENT} payment.completed`) {
        failedOnce = true;
        return { status: 500 };
      }
      return { status: 200 };
    });
    unordered = await startRecordingServer();
    const created = await createSubscriber(gateway.url, { url: ordered.url, ordering: 'transaction' });
    expect(created).toMatchObject({ ordering: 'transaction' });
    await createSubscriber(gateway.url, { url: unordered.url });
    await waitFor(() => gateway.workers?.lanes.running().length === 2, { what: 'two delivery lanes' });
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([ordered?.close(), unordered?.close()]);
    await database?.drop();
  });

  it('the refund waits for the completed event; another payment and another subscriber are not held', async () => {
    const post = (refno: string, file: string) => gateway.post('/ipn/2checkout', signedIpn(refno, file));
    expect((await post(PAYMENT, 'ipn-complete-sha256-only.txt')).status).toBe(200);
    expect((await post(PAYMENT, 'ipn-refund.txt')).status).toBe(200);
    expect((await post(OTHER_PAYMENT, 'ipn-complete-sha256-only.txt')).status).toBe(200);
    const postedAt = Date.now();

    // The unordered subscriber gets all three at once.
    await waitFor(() => unordered.received.length === 3, {
      what: 'the unordered subscriber',
      timeoutMs: 5000,
    });
    expect(Math.max(...unordered.received.map((request) => request.receivedAt)) - postedAt).toBeLessThan(
      RETRY_MS,
    );

    await waitFor(() => ordered.received.length === 4, { what: 'the ordered subscriber', timeoutMs: 10_000 });
    const seen = ordered.received.map(describeRequest);
    // The other payment went at once, while PAYMENT's completed event was failing.
    expect(seen.indexOf(`${OTHER_PAYMENT} payment.completed`)).toBeLessThan(2);
    expect(seen.filter((entry) => entry !== `${OTHER_PAYMENT} payment.completed`)).toEqual([
      `${PAYMENT} payment.completed`,
      `${PAYMENT} payment.completed`,
      `${PAYMENT} payment.refunded`,
    ]);
    // The refund was sent only after the completed event succeeded, i.e. after its retry.
    const completed = ordered.received.filter(
      (request) => describeRequest(request) === `${PAYMENT} payment.completed`,
    );
    const refund = ordered.received.find(
      (request) => describeRequest(request) === `${PAYMENT} payment.refunded`,
    );
    expect(
      (completed[1]?.receivedAt as number) - (completed[0]?.receivedAt as number),
    ).toBeGreaterThanOrEqual(RETRY_MS * 0.85);
    expect(refund?.receivedAt).toBeGreaterThanOrEqual(completed[1]?.receivedAt as number);
  }, 30_000);

  it('recover respects it: a subscriber added later gets the payment in order, held behind a failing attempt', async () => {
    let failedOnce = false;
    const late = await startRecordingServer((request) => {
      if (!failedOnce && describeRequest(request) === `${PAYMENT} payment.completed`) {
        failedOnce = true;
        return { status: 500 };
      }
      return { status: 200 };
    });
    try {
      const { id } = await createSubscriber(gateway.url, { url: late.url, ordering: 'transaction' });
      await waitFor(() => gateway.workers?.lanes.running().includes(id), { what: 'its lane' });
      const since = new Date(Date.now() - 60_000).toISOString();
      const answer = await apiCall(gateway.url, 'POST', `/subscribers/${id}/recover`, { since }, 202);
      expect(answer).toEqual({ deliveries: 3 });
      await waitFor(() => late.received.length === 4, { what: 'the recovered events', timeoutMs: 10_000 });
      const seen = late.received
        .map(describeRequest)
        .filter((entry) => entry !== `${OTHER_PAYMENT} payment.completed`);
      expect(seen).toEqual([
        `${PAYMENT} payment.completed`,
        `${PAYMENT} payment.completed`,
        `${PAYMENT} payment.refunded`,
      ]);
    } finally {
      await late.close();
    }
  }, 30_000);
});
