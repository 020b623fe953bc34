// With the server and the workers in one process, first attempts go straight to the subscriber's
// lane (no Redis job). What a lane does not take is handed back to be enqueued: deliveries for a
// subscriber it has no lane for (which makes it read the table at once), for a rate-limited one,
// and past its backlog cap. Deliveries still waiting when the lanes stop are enqueued.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubscriberLanes } from '../../src/delivery/subscriber-lanes';
import { createLogger } from '../../src/logger';
import { type DeliveryJob, deliveryJobSchema, type QueuedJob } from '../../src/queue/jobs';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { deleteQueueKeys, REDIS_URL, testQueuePrefix, waitFor } from '../support/gateway';

const ref = (id: string, subscriberId: string) => ({ id, subscriberId });

describe('handing first attempts to the lanes in process', () => {
  let database: TestDatabase;
  let lanes: SubscriberLanes;
  const prefix = testQueuePrefix();
  const started: string[] = [];
  const release = new Map<string, () => void>();
  const enqueued: QueuedJob<unknown>[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.handle.rows(sql`
      insert into subscribers (id, url, secret, rate_limit) values
        ('sub_plain', 'http://127.0.0.1:9/a', 'whsec_AAAA', null),
        ('sub_limited', 'http://127.0.0.1:9/b', 'whsec_AAAA', 5)`);
    lanes = new SubscriberLanes({
      db: database.handle,
      redisUrl: REDIS_URL,
      prefix,
      logger: createLogger('silent'),
      concurrency: 1,
      lockDurationMs: 30_000,
      localBacklog: 2,
      // Each attempt runs until the test releases it.
      handle: (job: DeliveryJob) =>
        new Promise<void>((resolve) => {
          started.push(job.deliveryId);
          release.set(job.deliveryId, resolve);
        }),
      enqueue: (jobs) => enqueued.push(...jobs),
    });
    await lanes.start();
  }, 30_000);
  afterAll(async () => {
    for (const done of release.values()) done();
    await lanes?.close(1000);
    await deleteQueueKeys(prefix);
    await database?.drop();
  });

  it('takes what its slots and backlog allow and hands back the rest', async () => {
    expect(lanes.running().sort()).toEqual(['sub_limited', 'sub_plain']);
    const rest = lanes.offer([
      ref('dlv_a1', 'sub_plain'),
      ref('dlv_a2', 'sub_plain'),
      ref('dlv_a3', 'sub_plain'), // past the backlog of 2
      ref('dlv_r1', 'sub_limited'), // rate-limited: BullMQ's limiter must count it
      ref('dlv_x1', 'sub_unknown'), // no lane here
    ]);
    expect(rest.map((delivery) => delivery.id)).toEqual(['dlv_a3', 'dlv_r1', 'dlv_x1']);

    // One slot: the first runs, the second waits for it.
    await waitFor(() => started.length === 1, { what: 'the first attempt' });
    expect(started).toEqual(['dlv_a1']);
    release.get('dlv_a1')?.();
    await waitFor(() => started.length === 2, { what: 'the second attempt' });
    expect(started).toEqual(['dlv_a1', 'dlv_a2']);
  });

  it('reads the subscribers table at once when a delivery names a subscriber without a lane', async () => {
    await database.handle.rows(sql`
      insert into subscribers (id, url, secret) values ('sub_new', 'http://127.0.0.1:9/c', 'whsec_AAAA')`);
    expect(lanes.offer([ref('dlv_n1', 'sub_new')]).map((delivery) => delivery.id)).toEqual(['dlv_n1']);
    // Well before the next one-second tick.
    await waitFor(() => lanes.running().includes('sub_new'), { what: 'a lane for sub_new', timeoutMs: 600 });
    expect(lanes.offer([ref('dlv_n2', 'sub_new')])).toEqual([]);
  });

  it('enqueues what is still waiting when the lanes stop', async () => {
    // dlv_a2 holds sub_plain's only slot; dlv_a4 waits behind it.
    expect(lanes.offer([ref('dlv_a4', 'sub_plain')])).toEqual([]);
    enqueued.length = 0;
    const closing = lanes.close(5000);
    await waitFor(() => enqueued.length > 0, { what: 'the waiting delivery enqueued' });
    for (const done of release.values()) done();
    await closing;
    expect(started).not.toContain('dlv_a4');
    expect(enqueued.map((job) => [job.queue, job.opts.jobId])).toEqual([
      ['{delivery-sub_plain}', 'dlv_a4-a0'],
    ]);
    expect(deliveryJobSchema.parse(enqueued[0]?.data)).toEqual({
      deliveryId: 'dlv_a4',
      attempt: 0,
      trigger: 'scheduled',
    });
  });
});
