// Isolation with two worker processes sharing the subscribers' queues: a hanging subscriber fills
// only its own slots in each process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubscriber } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  deleteQueueKeys,
  REDIS_URL,
  startTestGateway,
  type TestGateway,
  testConfig,
  testQueuePrefix,
  waitFor,
} from '../support/gateway';
import { type GatewayProcess, spawnGateway } from '../support/gateway-process';
import { sendNotifications } from '../support/load';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';

const NOTIFICATIONS = 200;
const TIMEOUT_MS = 10_000;

const distinctIds = (server: RecordingServer) =>
  new Set(server.received.map((request) => String(request.headers['webhook-id']))).size;

describe('isolation with two worker processes', () => {
  let database: TestDatabase;
  let server: TestGateway;
  let hanging: RecordingServer;
  const healthy: RecordingServer[] = [];
  const workers: GatewayProcess[] = [];
  const prefix = testQueuePrefix();

  beforeAll(async () => {
    database = await createTestDatabase();
    server = await startTestGateway(testConfig(database, { ROLE: 'server', QUEUE_PREFIX: prefix }), database);
    hanging = await startRecordingServer(() => ({ status: 200, hang: true }));
    await createSubscriber(server.url, { url: hanging.url });
    for (let index = 0; index < 3; index++) {
      const subscriber = await startRecordingServer(() => ({ status: 200 }));
      healthy.push(subscriber);
      await createSubscriber(server.url, { url: subscriber.url });
    }
    const env = {
      ROLE: 'worker',
      DATABASE_URL: database.url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      DELIVERY_TIMEOUT: `${TIMEOUT_MS}ms`,
      DELIVERY_CONCURRENCY: '16',
      DELIVERY_RETRY_SCHEDULE: '30s',
    };
    workers.push(...(await Promise.all([spawnGateway(env), spawnGateway(env)])));
  }, 90_000);
  afterAll(async () => {
    for (const worker of workers) worker.signal('SIGKILL');
    await server?.close();
    await Promise.all([hanging, ...healthy].map((subscriber) => subscriber?.close()));
    await deleteQueueKeys(prefix);
    await database?.drop();
  }, 30_000);

  it(`${NOTIFICATIONS} notifications over 2 s reach the three healthy subscribers, both processes delivering`, async () => {
    await sendNotifications(server.url, NOTIFICATIONS, 2000, '5400');
    const sentAt = Date.now();
    await waitFor(() => healthy.every((subscriber) => distinctIds(subscriber) >= NOTIFICATIONS), {
      what: 'every event at the three healthy subscribers',
      timeoutMs: 8000,
      intervalMs: 50,
    });
    expect(Date.now() - sentAt).toBeLessThan(TIMEOUT_MS);
    // Both processes took the hanging subscriber's requests: each holds at most 16 of them.
    await waitFor(() => hanging.received.length >= 32, {
      what: 'both processes to fill their hanging slots',
    });
    // Before the first of them could time out, there were exactly 2 × 16 in flight.
    const first = hanging.received[0]?.receivedAt as number;
    expect(hanging.received.filter((request) => request.receivedAt < first + TIMEOUT_MS - 1000)).toHaveLength(
      32,
    );
  }, 60_000);
});
