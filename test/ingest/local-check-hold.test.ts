// End to end, in one process (ROLE=all): a PayPal IPN whose postback is still under way when the
// reconciler passes is left to the process checking it in memory, so PayPal is asked once.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakePaypal, startFakePaypal } from '../support/fake-paypal';
import { fixture } from '../support/fixtures';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';

const POSTBACK_DELAY_MS = 1500;

describe('a first check run in memory by the process that stored the message', () => {
  let database: TestDatabase;
  let paypal: FakePaypal;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase();
    paypal = await startFakePaypal(() => ({ status: 200, body: 'VERIFIED', delayMs: POSTBACK_DELAY_MS }));
    gateway = await startTestGateway(
      testConfig(database, {
        PAYPAL_VERIFY_URL: paypal.url,
        PAYPAL_VERIFY_TIMEOUT: '5s',
        // Several passes while the postback waits; each would re-enqueue a check not held.
        RECONCILE_INTERVAL: '200ms',
      }),
      database,
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await paypal?.close();
    await database?.drop();
  });

  it('is stored due after the local hold, and posted back once while the reconciler runs', async () => {
    expect((await gateway.post('/ipn/paypal', fixture('paypal', 'web_accept-completed.txt'))).status).toBe(
      200,
    );
    await waitFor(() => paypal.received.length === 1, { what: 'the postback' });
    // Held for the one-minute wait limit, four requests of 5 s and 30 s: 110 s.
    const [pending] = await gateway.db.rows<{ status: string; due_in_s: number }>(sql`
      select status, round(extract(epoch from next_verify_at - now()))::int as due_in_s from inbound_messages`);
    expect(pending?.status).toBe('pending');
    expect(pending?.due_in_s).toBeGreaterThanOrEqual(105);
    expect(pending?.due_in_s).toBeLessThanOrEqual(110);

    await waitFor(
      async () => {
        const [row] = await gateway.db.rows<{ status: string }>(sql`select status from inbound_messages`);
        return row?.status === 'verified';
      },
      { what: 'the message verified' },
    );
    await new Promise((resolve) => setTimeout(resolve, 3 * 200 + POSTBACK_DELAY_MS));
    expect(paypal.received).toHaveLength(1);
  });
});
