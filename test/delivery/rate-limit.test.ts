// rate_limit: at most N requests per second to one subscriber (BullMQ's limiter on its queue, kept
// in Redis, so it holds across worker processes); the other subscribers are not slowed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubscriber } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { sendNotifications } from '../support/load';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';

const EVENTS = 10;

const spreadMs = (server: RecordingServer) => {
  const times = server.received.map((request) => request.receivedAt);
  return Math.max(...times) - Math.min(...times);
};

describe('rate_limit', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let limited: RecordingServer;
  let free: RecordingServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(testConfig(database), database);
    limited = await startRecordingServer();
    free = await startRecordingServer();
    const created = await createSubscriber(gateway.url, { url: limited.url, rate_limit: 2 });
    expect(created).toMatchObject({ rate_limit: 2 });
    await createSubscriber(gateway.url, { url: free.url });
    await waitFor(() => gateway.workers?.lanes.running().length === 2, { what: 'two delivery lanes' });
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([limited?.close(), free?.close()]);
    await database?.drop();
  });

  it(`a subscriber limited to 2/s gets ${EVENTS} events over at least 4 s; another gets them at once`, async () => {
    // One event first, so the lanes' connections and statements are warm: a cold first request
    // reaches the subscriber later than the limiter let it go.
    await sendNotifications(gateway.url, 1, 0, '55000', 1);
    await waitFor(() => limited.received.length === 1 && free.received.length === 1, {
      what: 'the warm-up event',
    });
    limited.received.length = 0;
    free.received.length = 0;
    await new Promise((resolve) => setTimeout(resolve, 1100));

    await sendNotifications(gateway.url, EVENTS, 0, '5500', 1);
    await waitFor(() => free.received.length === EVENTS, {
      what: 'the unlimited subscriber',
      timeoutMs: 5000,
    });
    expect(limited.received.length).toBeLessThan(EVENTS);
    await waitFor(() => limited.received.length === EVENTS, {
      what: 'the limited subscriber',
      timeoutMs: 15_000,
    });
    expect(spreadMs(free)).toBeLessThan(1000);
    // Two per second (counted as attempts start): the 9th and 10th go in the fifth second.
    expect(spreadMs(limited)).toBeGreaterThanOrEqual(4000);
  }, 30_000);
});
