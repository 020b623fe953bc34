// With the server and the workers in one process, first attempts go straight to the subscriber's
// lane (no Redis job). What a lane does not take is handed back to be enqueued: deliveries for a
// subscriber it has no lane for (which makes it read the table at once), for a rate-limited one,
// and past its backlog cap. Deliveries the ingest statement already claimed for a lane are always
// taken, or, with the lane gone, their claims are given back before they are enqueued. Deliveries
// still waiting when the lanes stop are enqueued (claims given back first).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClaimedDelivery } from '../../src/delivery/delivery-store';
import { SubscriberLanes } from '../../src/delivery/subscriber-lanes';
import { createLogger } from '../../src/logger';
import { type DeliveryJob, deliveryJobSchema, type QueuedJob } from '../../src/queue/jobs';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { deleteQueueKeys, REDIS_URL, testQueuePrefix, waitFor } from '../support/gateway';

const ref = (id: string, subscriberId: string) => ({ id, subscriberId });
// A delivery the ingest statement claimed; the lane only passes it on.
const claimed = (id: string, subscriberId: string) => ({
  ...ref(id, subscriberId),
  claimed: { id, subscriberId, claimToken: `token-${id}` } as ClaimedDelivery,
});

describe('handing first attempts to the lanes in process', () => {
  let database: TestDatabase;
  let lanes: SubscriberLanes;
  const prefix = testQueuePrefix();
  const started: string[] = [];
  const release = new Map<string, () => void>();
  const enqueued: QueuedJob<unknown>[] = [];
  const released: string[] = [];
  const attempted: string[] = [];

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
      attempt: (delivery: ClaimedDelivery) =>
        new Promise<void>((resolve) => {
          attempted.push(delivery.id);
          started.push(delivery.id);
          release.set(delivery.id, resolve);
        }),
      release: async (claims) => {
        released.push(...claims.map((claim) => claim.id));
      },
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

  it('offers its plain lanes for preclaiming, at the row version it read, while their backlog has room', async () => {
    const versions = new Map(
      (
        await database.handle.rows<{ id: string; version: string }>(sql`
          select id, xmin::text as version from subscribers`)
      ).map((row) => [row.id, row.version]),
    );
    const offer = lanes.preclaim();
    expect(offer?.leaseMs).toBe(30_000);
    expect([...(offer?.subscribers.keys() ?? [])].sort()).toEqual(['sub_new', 'sub_plain']);
    expect(offer?.subscribers.get('sub_plain')).toMatchObject({
      url: 'http://127.0.0.1:9/a',
      secret: 'whsec_AAAA',
      version: versions.get('sub_plain'),
    });

    // dlv_a2 holds sub_plain's only slot: two wait, and the backlog of 2 is full.
    expect(lanes.offer([claimed('dlv_p1', 'sub_plain'), claimed('dlv_p2', 'sub_plain')])).toEqual([]);
    expect(lanes.offer([ref('dlv_p3', 'sub_plain')]).map((delivery) => delivery.id)).toEqual(['dlv_p3']);
    expect([...(lanes.preclaim()?.subscribers.keys() ?? [])]).toEqual(['sub_new']);
    // A preclaimed delivery is always taken: its lane was checked just before the claim.
    expect(lanes.offer([claimed('dlv_p4', 'sub_plain')])).toEqual([]);
  });

  it('gives back the claim of a preclaimed delivery whose lane is gone, then enqueues it', async () => {
    enqueued.length = 0;
    expect(lanes.offer([claimed('dlv_q1', 'sub_gone')])).toEqual([]);
    await waitFor(() => enqueued.length > 0, { what: 'the orphan enqueued' });
    expect(released).toEqual(['dlv_q1']);
    expect(enqueued.map((job) => [job.queue, job.opts.jobId])).toEqual([
      ['{delivery-sub_gone}', 'dlv_q1-a0'],
    ]);
  });

  it('attempts a preclaimed delivery with its claim when its turn comes', async () => {
    release.get('dlv_a2')?.();
    await waitFor(() => started.includes('dlv_p1'), { what: 'the preclaimed attempt' });
    expect(attempted).toEqual(['dlv_p1']);
  });

  it('enqueues what is still waiting when the lanes stop, giving back the claims first', async () => {
    // dlv_p1 holds sub_plain's only slot; dlv_p2, dlv_p4 (claimed) and dlv_a4 wait behind it.
    expect(lanes.offer([ref('dlv_a4', 'sub_plain')]).map((delivery) => delivery.id)).toEqual(['dlv_a4']);
    release.get('dlv_p1')?.();
    await waitFor(() => started.includes('dlv_p2'), { what: 'dlv_p2 started' });
    expect(lanes.offer([ref('dlv_a4', 'sub_plain')])).toEqual([]);
    enqueued.length = 0;
    released.length = 0;
    const closing = lanes.close(5000);
    await waitFor(() => enqueued.length > 1, { what: 'the waiting deliveries enqueued' });
    for (const done of release.values()) done();
    await closing;
    expect(started).not.toContain('dlv_a4');
    expect(started).not.toContain('dlv_p4');
    expect(released).toEqual(['dlv_p4']);
    expect(enqueued.map((job) => [job.queue, job.opts.jobId])).toEqual([
      ['{delivery-sub_plain}', 'dlv_a4-a0'],
      ['{delivery-sub_plain}', 'dlv_p4-a0'],
    ]);
    expect(deliveryJobSchema.parse(enqueued[0]?.data)).toEqual({
      deliveryId: 'dlv_a4',
      attempt: 0,
      trigger: 'scheduled',
    });
  });
});

describe('a preclaimed delivery that waited for half its lease', () => {
  it('gives the claim back and claims afresh instead of attempting with it', async () => {
    const database = await createTestDatabase();
    const prefix = testQueuePrefix();
    await database.handle.rows(sql`
      insert into subscribers (id, url, secret) values ('sub_slow', 'http://127.0.0.1:9/s', 'whsec_AAAA')`);
    const attempted: string[] = [];
    const handled: string[] = [];
    const released: string[] = [];
    let finishFirst = () => {};
    const lanes = new SubscriberLanes({
      db: database.handle,
      redisUrl: REDIS_URL,
      prefix,
      logger: createLogger('silent'),
      concurrency: 1,
      lockDurationMs: 200,
      handle: async (job: DeliveryJob) => {
        handled.push(job.deliveryId);
      },
      attempt: (delivery: ClaimedDelivery) => {
        attempted.push(delivery.id);
        return delivery.id === 'dlv_s1'
          ? new Promise<void>((resolve) => {
              finishFirst = resolve;
            })
          : Promise.resolve();
      },
      release: async (claims) => {
        released.push(...claims.map((claim) => claim.id));
      },
      enqueue: () => {},
    });
    try {
      await lanes.start();
      // dlv_s1 holds the only slot for longer than half the lease (100 ms); dlv_s2 waits.
      expect(lanes.offer([claimed('dlv_s1', 'sub_slow'), claimed('dlv_s2', 'sub_slow')])).toEqual([]);
      await waitFor(() => attempted.length === 1, { what: 'the first attempt' });
      await new Promise((resolve) => setTimeout(resolve, 150));
      finishFirst();
      await waitFor(() => handled.length === 1, { what: 'the fresh claim' });
      expect(attempted).toEqual(['dlv_s1']);
      expect(released).toEqual(['dlv_s2']);
      expect(handled).toEqual(['dlv_s2']);
    } finally {
      await lanes.close(1000);
      await deleteQueueKeys(prefix);
      await database.drop();
    }
  }, 30_000);
});
