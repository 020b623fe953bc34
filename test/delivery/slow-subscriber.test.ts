// A queue of requests to a slow subscriber: each request's timeout counts from when it is sent,
// so requests waiting their turn never time out, however long the queue.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubscriber } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { sendNotifications } from '../support/load';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';

const EVENTS = 12;
const ANSWER_MS = 400;
const TIMEOUT_MS = 1000;
const CONCURRENCY = 2;

describe('a slow subscriber with a queue of requests', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let slow: RecordingServer;
  let subscriberId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(
      testConfig(database, {
        DELIVERY_TIMEOUT: `${TIMEOUT_MS}ms`,
        DELIVERY_CONCURRENCY: String(CONCURRENCY),
        DELIVERY_RETRY_SCHEDULE: '10s',
      }),
      database,
    );
    slow = await startRecordingServer(() => ({ status: 200, delayMs: ANSWER_MS }));
    subscriberId = (await createSubscriber(gateway.url, { url: slow.url })).id;
    await waitFor(() => gateway.workers?.lanes.running().length === 1, { what: 'the delivery lane' });
  });
  afterAll(async () => {
    await gateway?.close();
    await slow?.close();
    await database?.drop();
  });

  it(`${EVENTS} events at once, ${CONCURRENCY} at a time, ${ANSWER_MS} ms each: no request times out before it is sent`, async () => {
    const started = Date.now();
    await sendNotifications(gateway.url, EVENTS, 0, '5300', 1);
    const attempts = await waitFor(
      async () => {
        const rows = await gateway.db.rows<{
          status_code: number | null;
          error: string | null;
          number: number;
        }>(sql`
          select a.status_code, a.error, a.number from delivery_attempts a
          join deliveries d on d.id = a.delivery_id where d.subscriber_id = ${subscriberId}`);
        return rows.length >= EVENTS ? rows : undefined;
      },
      { what: 'every attempt recorded', timeoutMs: 15_000 },
    );
    // The queue took longer than the timeout to drain...
    expect(Date.now() - started).toBeGreaterThan(TIMEOUT_MS);
    // ...yet every attempt was a first attempt that got its answer.
    expect(attempts).toHaveLength(EVENTS);
    for (const attempt of attempts) expect(attempt).toEqual({ status_code: 200, error: null, number: 1 });
  });
});
