import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubscriber } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakePaypal, startFakePaypal } from '../support/fake-paypal';
import { fixture } from '../support/fixtures';
import { deleteQueueKeys, REDIS_URL, testQueuePrefix, waitFor } from '../support/gateway';
import { type GatewayProcess, spawnGateway } from '../support/gateway-process';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';
import { signedIpn } from '../support/twocheckout-signing';

const NOTIFICATIONS = 500;
const PAYPAL_SHARE = 50;

describe('two servers and two workers on one PostgreSQL and Redis', () => {
  let database: TestDatabase;
  let paypal: FakePaypal;
  const prefix = testQueuePrefix();
  const processes: GatewayProcess[] = [];
  const subscribers: RecordingServer[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    paypal = await startFakePaypal();
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      PAYPAL_VERIFY_URL: paypal.url,
      RECONCILE_INTERVAL: '2s',
    };
    const started = await Promise.all([
      spawnGateway({ ...env, ROLE: 'server' }),
      spawnGateway({ ...env, ROLE: 'server' }),
      spawnGateway({ ...env, ROLE: 'worker' }),
      spawnGateway({ ...env, ROLE: 'worker' }),
    ]);
    processes.push(...started);
    for (let index = 0; index < 2; index++) {
      const subscriber = await startRecordingServer();
      subscribers.push(subscriber);
      await createSubscriber(started[index % 2]?.url as string, { url: subscriber.url });
    }
  }, 60_000);
  afterAll(async () => {
    for (const process of processes) process.signal('SIGTERM');
    await Promise.all(processes.map((process) => process.exited));
    await Promise.all([paypal?.close(), ...subscribers.map((subscriber) => subscriber.close())]);
    await deleteQueueKeys(prefix);
    await database?.drop();
  }, 60_000);

  it(`${NOTIFICATIONS} notifications: every delivery succeeds exactly once`, async () => {
    const servers = processes.filter((process) => process.url !== null);
    expect(servers).toHaveLength(2);
    const paypalBody = fixture('paypal', 'web_accept-completed.txt').toString();
    const requests = Array.from({ length: NOTIFICATIONS }, (_, index) => {
      const base = servers[index % 2]?.url as string;
      return index < PAYPAL_SHARE
        ? {
            url: `${base}/ipn/paypal`,
            body: paypalBody.replace('txn_id=4F74627603JA37', `txn_id=MP${String(index).padStart(12, '0')}`),
          }
        : { url: `${base}/ipn/2checkout`, body: signedIpn(`55${String(index).padStart(7, '0')}`) };
    });
    // 25 at a time, like a provider's bursts.
    for (let offset = 0; offset < requests.length; offset += 25) {
      const batch = requests.slice(offset, offset + 25);
      const statuses = await Promise.all(
        batch.map(async ({ url, body }) => {
          const response = await fetch(url, {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          });
          await response.arrayBuffer();
          return response.status;
        }),
      );
      expect(statuses).toEqual(Array(batch.length).fill(200));
    }
    await waitFor(() => subscribers.every((subscriber) => subscriber.received.length >= NOTIFICATIONS), {
      what: `${NOTIFICATIONS} deliveries at each subscriber`,
      timeoutMs: 90_000,
      intervalMs: 200,
    });
    await new Promise((resolve) => setTimeout(resolve, 1000)); // any duplicate would show up now
    for (const subscriber of subscribers) {
      const ids = subscriber.received.map((request) => String(request.headers['webhook-id']));
      expect(ids).toHaveLength(NOTIFICATIONS);
      expect(new Set(ids).size).toBe(NOTIFICATIONS);
    }
    expect(paypal.received).toHaveLength(PAYPAL_SHARE);
  }, 120_000);
});
