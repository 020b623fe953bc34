// The reconciler at scale: 100,000 deliveries whose jobs Redis lost come back within two minutes,
// and two worker processes reconciling at once do not both read and enqueue the same rows.
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger';
import { JobDispatcher } from '../../src/queue/dispatcher';
import { deliveryQueueName } from '../../src/queue/jobs';
import { Reconciler } from '../../src/queue/reconciler';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { deleteQueueKeys, REDIS_URL, testQueuePrefix } from '../support/gateway';

const DELIVERIES = 100_000;
const SUBSCRIBER = 'sub_01JD5Q8Z3R4B9T6W2X7Y0KMN1P';

describe('reconciler with 100,000 lost jobs', () => {
  let database: TestDatabase;
  const prefix = testQueuePrefix();
  const connections: Redis[] = [];
  const dispatchers: JobDispatcher[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = database.handle;
    await db.rows(sql`
      insert into subscribers (id, url, secret) values (${SUBSCRIBER}, 'http://127.0.0.1:9/hook', 'whsec_AAAA')`);
    await db.rows(sql`
      insert into events (id, provider, type, idempotency_key, livemode, occurred_at, received_at, message_id, body)
      select 'evt_' || lpad(i::text, 26, '0'), '2checkout', 'payment.completed', 'key-' || i, true,
             now(), now(), 'msg_' || lpad(i::text, 26, '0'), '{}'
      from generate_series(1, ${DELIVERIES}) as i`);
    await db.rows(sql`
      insert into deliveries (id, event_id, subscriber_id, status, attempt_count, next_attempt_at)
      select 'dlv_' || lpad(i::text, 26, '0') || '1', 'evt_' || lpad(i::text, 26, '0'), ${SUBSCRIBER},
             'pending', 0, now() - interval '10 minutes'
      from generate_series(1, ${DELIVERIES}) as i`);
  }, 120_000);
  afterAll(async () => {
    for (const dispatcher of dispatchers) await dispatcher.close();
    for (const connection of connections) connection.disconnect();
    await deleteQueueKeys(prefix);
    await database?.drop();
  }, 60_000);

  it('one pass re-enqueues every one within 2 minutes; the other process skips it', async () => {
    const logger = createLogger('silent');
    const reconcilers = [0, 1].map(() => {
      const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      connections.push(connection);
      const dispatcher = new JobDispatcher(connection, prefix, logger);
      dispatchers.push(dispatcher);
      return new Reconciler({
        db: database.handle,
        dispatcher,
        logger,
        intervalMs: 60_000,
        overdueAfterMs: 60_000,
      });
    });
    const started = Date.now();
    const counts = await Promise.all(reconcilers.map((reconciler) => reconciler.runOnce()));
    const elapsed = Date.now() - started;

    expect(counts.sort((a, b) => a - b)).toEqual([0, DELIVERIES]);
    expect(elapsed).toBeLessThan(120_000);
    const queue = dispatchers[0]?.queue(deliveryQueueName(SUBSCRIBER));
    expect(await queue?.getWaitingCount()).toBe(DELIVERIES);

    // A later pass re-adds the same job ids: nothing doubles.
    expect(await reconcilers[1]?.runOnce()).toBe(DELIVERIES);
    expect(await queue?.getWaitingCount()).toBe(DELIVERIES);
  }, 300_000);
});
