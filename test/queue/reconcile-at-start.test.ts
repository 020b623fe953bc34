// A gateway started after Redis lost its jobs delivers the overdue work at once: the reconciler's
// first pass runs at start, not one RECONCILE_INTERVAL later.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubscriber } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';

const EVENT_ID = 'evt_01JD5Q8Z3R4B9T6W2X7Y0KMN1P';

describe('reconciling at start', () => {
  let database: TestDatabase;
  let subscriber: RecordingServer;
  let gateway: TestGateway | null = null;

  beforeAll(async () => {
    database = await createTestDatabase();
    subscriber = await startRecordingServer(() => ({ status: 204 }));
  });
  afterAll(async () => {
    await gateway?.close();
    await subscriber?.close();
    await database?.drop();
  });

  it('delivers a delivery whose job is gone long before the interval', async () => {
    // A first gateway registers the subscriber (its secret sealed as usual), then stops.
    const first = await startTestGateway(testConfig(database, { RECONCILE_INTERVAL: '10m' }), database);
    const { id: subscriberId } = await createSubscriber(first.url, { url: subscriber.url });
    await first.close();

    // A delivery PostgreSQL owes and no queue knows about: what a Redis restart leaves behind.
    const body = JSON.stringify({ id: EVENT_ID, type: 'payment.completed' });
    await database.handle.rows(sql`
      insert into events (id, provider, type, idempotency_key, livemode, occurred_at, received_at, message_id, body)
      values (${EVENT_ID}, '2checkout', 'payment.completed', 'reconcile-at-start', true, now(), now(),
              'msg_01JD5Q8Z3R4B9T6W2X7Y0KMN1P', ${body})`);
    await database.handle.rows(sql`
      insert into deliveries (id, event_id, subscriber_id, status, attempt_count, next_attempt_at)
      values ('dlv_01JD5Q8Z3R4B9T6W2X7Y0KMN1P1', ${EVENT_ID}, ${subscriberId}, 'pending', 0,
              now() - interval '20 minutes')`);

    const started = Date.now();
    gateway = await startTestGateway(testConfig(database, { RECONCILE_INTERVAL: '10m' }), database);
    await waitFor(() => subscriber.received.length >= 1, { timeoutMs: 30_000, what: 'the overdue delivery' });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(subscriber.received).toHaveLength(1);
    expect(String(subscriber.received[0]?.headers['webhook-id'])).toBe(EVENT_ID);
    expect(subscriber.received[0]?.body.toString()).toBe(body);
  });
});
