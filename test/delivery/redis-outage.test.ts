import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubscriber } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakePaypal, startFakePaypal } from '../support/fake-paypal';
import { fixture } from '../support/fixtures';
import {
  deleteQueueKeys,
  REDIS_URL,
  startTestGateway,
  type TestGateway,
  testConfig,
  waitFor,
} from '../support/gateway';
import { storedMessages } from '../support/messages';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { signedIpn } from '../support/twocheckout-signing';

const webhookIds = (server: RecordingServer) =>
  server.received.map((request) => String(request.headers['webhook-id']));

describe('nothing lost when Redis is not there', () => {
  let database: TestDatabase;
  let redisProxy: TcpProxy;
  let paypal: FakePaypal;
  let gateway: TestGateway;
  let subscriber: RecordingServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    const redis = new URL(REDIS_URL);
    redisProxy = await startTcpProxy(redis.hostname, Number(redis.port || 6379));
    paypal = await startFakePaypal();
    subscriber = await startRecordingServer();
    gateway = await startTestGateway(
      testConfig(database, {
        REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
        PAYPAL_VERIFY_URL: paypal.url,
        RECONCILE_INTERVAL: '300ms',
        DELIVERY_RETRY_SCHEDULE: '1s,1s',
      }),
      database,
    );
    await createSubscriber(gateway.url, { url: subscriber.url });
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([paypal?.close(), subscriber?.close(), redisProxy?.close()]);
    await database?.drop();
  });

  it('keeps acknowledging while Redis is down, then delivers everything once it is back', async () => {
    // With the server and the workers in one process, first attempts reach the subscriber's lane
    // in memory: they need PostgreSQL, not Redis. The lane exists before the outage starts.
    await waitFor(() => gateway.workers?.lanes.running().length === 1, { what: 'the delivery lane' });
    redisProxy.cut();
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(503);

    const started = Date.now();
    const bodies = Array.from({ length: 20 }, (_, index) => signedIpn(`77000${index}`));
    const responses = await Promise.all(bodies.map((body) => gateway.post('/ipn/2checkout', body)));
    const paypalResponse = await gateway.post('/ipn/paypal', fixture('paypal', 'web_accept-completed.txt'));
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(paypalResponse.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);
    for (const response of responses) expect(await response.text()).toMatch(/^<sig algo="sha256"/);

    // In one process the first checks and first attempts need PostgreSQL, not Redis: the PayPal
    // IPN is checked and all 21 events arrive during the outage.
    await waitFor(() => subscriber.received.length >= 21, { what: '21 deliveries during the outage' });
    expect(paypal.received).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const ids = webhookIds(subscriber);
    expect(ids).toHaveLength(21);
    expect(new Set(ids).size).toBe(21);
    const messages = await storedMessages(gateway.db);
    expect(messages.every((message) => message.status === 'verified')).toBe(true);

    redisProxy.restore();
    await waitFor(async () => (await fetch(`${gateway.url}/readyz`)).status === 200, {
      what: 'ready again once Redis is back',
      timeoutMs: 20_000,
    });
    expect(subscriber.received).toHaveLength(21);
  });

  it('recovers work whose jobs were flushed from Redis', async () => {
    // A retry is waiting in Redis as a delayed job when the keys disappear.
    subscriber.respondWith((_request, index) => (index === 21 ? { status: 500 } : { status: 200 }));
    expect((await gateway.post('/ipn/2checkout', signedIpn('7800001'))).status).toBe(200);
    await waitFor(() => subscriber.received.length === 22, { what: 'the failing first attempt' });
    await deleteQueueKeys(gateway.config.queuePrefix);

    // And a PayPal IPN stored while the keys are flushed.
    const body = fixture('paypal', 'cart-2-items-completed.txt');
    const flushedBeforeRun = gateway.post('/ipn/paypal', body);
    await deleteQueueKeys(gateway.config.queuePrefix);
    expect((await flushedBeforeRun).status).toBe(200);

    await waitFor(() => subscriber.received.length >= 24, {
      what: 'the retry and the PayPal event',
      timeoutMs: 40_000,
    }).catch(async (error) => {
      const state = await gateway.db.rows(sql`
        select 'delivery' as kind, id, status, attempt_count::text as n, next_attempt_at::text as due,
               lease_until::text as lease
        from deliveries where status <> 'succeeded'
        union all
        select 'message', id, status, verify_attempts::text, next_verify_at::text, verify_error
        from inbound_messages where status <> 'verified'`);
      const detail = `received ${subscriber.received.length}; not settled: ${JSON.stringify(state)}`;
      throw new Error(`${(error as Error).message}; ${detail}`);
    });
    const ids = webhookIds(subscriber);
    const failedFirst = ids[21] as string;
    expect(ids.filter((id) => id === failedFirst)).toHaveLength(2); // retried with the same webhook-id
    expect(ids).toHaveLength(24);
    expect(new Set(ids).size).toBe(23);
  }, 60_000);
});
