import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiJson, createSubscriber } from '../support/admin-client';
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
import { type RecordingServer, startRecordingServer } from '../support/recording-server';
import { signedIpn } from '../support/twocheckout-signing';

interface Delivery {
  id: string;
  status: string;
  attempts: Array<{ number: number; status_code: number | null; error: string | null }>;
}

describe('worker processes: SIGKILL mid-delivery, SIGTERM drains', () => {
  let database: TestDatabase;
  let server: TestGateway;
  let subscriber: RecordingServer;
  const prefix = testQueuePrefix();
  const workers: GatewayProcess[] = [];

  const workerEnv = () => ({
    ROLE: 'worker',
    DATABASE_URL: database.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    DELIVERY_TIMEOUT: '2s',
    DELIVERY_RETRY_SCHEDULE: '200ms,200ms,200ms',
    RECONCILE_INTERVAL: '500ms',
  });

  async function startWorker(): Promise<GatewayProcess> {
    const worker = await spawnGateway(workerEnv());
    workers.push(worker);
    return worker;
  }

  async function onlyDelivery(): Promise<Delivery> {
    const list = await apiJson<{ data: Array<{ id: string }> }>(server.url, '/deliveries?limit=1');
    return apiJson<Delivery>(server.url, `/deliveries/${list.data[0]?.id}`);
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    server = await startTestGateway(testConfig(database, { ROLE: 'server', QUEUE_PREFIX: prefix }), database);
    subscriber = await startRecordingServer();
    await createSubscriber(server.url, { url: subscriber.url });
  });
  afterAll(async () => {
    for (const worker of workers) worker.signal('SIGKILL');
    await server?.close();
    await subscriber?.close();
    await deleteQueueKeys(prefix);
    await database?.drop();
  });

  it('a worker killed with SIGKILL mid-delivery: the delivery completes after a worker restarts', async () => {
    // The first attempt hangs (the worker is killed during it); later ones answer at once.
    subscriber.respondWith((_request, index) =>
      index === 0 ? { status: 200, hang: true } : { status: 200 },
    );
    const first = await startWorker();
    expect((await server.post('/ipn/2checkout', signedIpn('9100001'))).status).toBe(200);
    await waitFor(() => subscriber.received.length === 1, {
      what: 'the attempt in flight',
      timeoutMs: 15_000,
    });
    first.signal('SIGKILL');
    expect(await first.exited).toBeNull();

    await startWorker();
    // Once the dead worker's lease (2 × 2 s + 10 s) and BullMQ's lock on its job have run out.
    await waitFor(async () => (await onlyDelivery()).status === 'succeeded', {
      what: 'the delivery to complete after the restart',
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    const ids = subscriber.received.map((request) => request.headers['webhook-id']);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ids).size).toBe(1); // at-least-once: the same webhook-id, for the subscriber to dedupe
  }, 100_000);

  it('SIGTERM lets an in-flight attempt finish and be recorded, then exits 0', async () => {
    for (const worker of workers) worker.signal('SIGKILL');
    const before = subscriber.received.length;
    subscriber.respondWith(() => ({ status: 200, delayMs: 1500 }));
    const worker = await startWorker();
    expect((await server.post('/ipn/2checkout', signedIpn('9100002'))).status).toBe(200);
    await waitFor(() => subscriber.received.length === before + 1, {
      what: 'the slow attempt to start',
      timeoutMs: 15_000,
    });
    worker.signal('SIGTERM');
    expect(await worker.exited).toBe(0);
    const list = await apiJson<{ data: Array<{ id: string; status: string }> }>(
      server.url,
      '/deliveries?limit=1',
    );
    expect(list.data[0]?.status).toBe('succeeded');
  }, 60_000);
});
