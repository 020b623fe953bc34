import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryQueueName } from '../../src/queue/jobs';
import { type AdminClient, adminClient, expectProblem, walkPages } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fixture } from '../support/fixtures';
import { REDIS_URL, startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';

// Rows a test puts into a state by hand get this attempt_count: any job queued or attempt in
// flight before belongs to an older count, so a delivery worker (if running) leaves them alone.
const PARKED_ATTEMPTS = 7;

interface DeliveryRow extends Record<string, unknown> {
  id: string;
  status: string;
  attempt_count: number;
  next_attempt_at: string | null;
}

describe('admin API: events and deliveries', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let api: AdminClient;
  let sink: Server;
  let everything: string; // subscriber to every event
  let payments: string; // subscriber to payment.* from 2checkout
  const eventIds: Record<'pending' | 'refund' | 'license', string> = { pending: '', refund: '', license: '' };

  const deliveryRows = (where = sql`true`) =>
    database.handle.rows<DeliveryRow>(
      sql`select id, status, attempt_count, next_attempt_at::text from deliveries where ${where} order by id`,
    );

  const park = (id: string, status: string, updatedAt = sql`now()`) =>
    database.handle.rows(sql`
      update deliveries
      set status = ${status}, attempt_count = ${PARKED_ATTEMPTS}, lease_until = null, claim_token = null,
          next_attempt_at = null, updated_at = ${updatedAt}
      where id = ${id}`);

  beforeAll(async () => {
    // A receiver that accepts everything, in case a delivery worker runs alongside.
    sink = createServer((_, response) => response.writeHead(204).end());
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    const hook = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/hook`;

    database = await createTestDatabase();
    gateway = await startTestGateway(testConfig(database), database);
    api = adminClient(gateway);
    // Subscribers first: deliveries are made when an event is.
    everything = (await api.post('/subscribers', { url: hook })).body.id;
    payments = (
      await api.post('/subscribers', { url: hook, event_types: ['payment.*'], providers: ['2checkout'] })
    ).body.id;

    const posted: [keyof typeof eventIds, string, string][] = [
      ['pending', '/ipn/2checkout', 'ipn-pending.txt'],
      ['refund', '/ipn/2checkout', 'ipn-refund.txt'],
      ['license', '/lcn/2checkout', 'lcn-active.txt'],
    ];
    for (const [name, path, file] of posted) {
      expect((await gateway.post(path, fixture('2checkout', file))).status).toBe(200);
      const [row] = await database.handle.rows<{ id: string }>(
        sql`select id from events order by id desc limit 1`,
      );
      eventIds[name] = row?.id ?? '';
    }
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
    await new Promise((resolve) => sink?.close(resolve));
  });

  describe('events', () => {
    it('lists the stored section-3 events newest first', async () => {
      const answer = await api.get('/events');
      expect(answer.status).toBe(200);
      const stored = await database.handle.rows<{ body: string }>(
        sql`select body from events order by id desc`,
      );
      expect(answer.body).toEqual({ data: stored.map((row) => JSON.parse(row.body)), next_cursor: null });
      expect(answer.body.data.map((event: { id: string }) => event.id)).toEqual([
        eventIds.license,
        eventIds.refund,
        eventIds.pending,
      ]);
      expect(answer.body.data[0]).not.toHaveProperty('deliveries');
    });

    it.each([
      ['type=payment.refunded', ['refund']],
      ['type=license.changed', ['license']],
      ['type=payment.completed', []],
      ['provider=2checkout', ['license', 'refund', 'pending']],
      ['provider=paypal', []],
      ['transaction_id=245871236', ['refund', 'pending']],
      ['order_id=ORD-10042&type=payment.pending', ['pending']],
      ['order_id=nope', []],
    ] as const)('filters by %s', async (query, expected) => {
      const answer = await api.get(`/events?${query}`);
      expect(answer.status).toBe(200);
      expect(answer.body.data.map((event: { id: string }) => event.id)).toEqual(
        expected.map((name) => eventIds[name]),
      );
    });

    it('refuses an unknown type filter with 422', async () => {
      expectProblem(await api.get('/events?type=payment.bogus'), 422);
    });

    it('pages events with limit=1', async () => {
      const walked = await walkPages(api, '/events', 1);
      expect(walked.map((event) => event.id)).toEqual([eventIds.license, eventIds.refund, eventIds.pending]);
      const filtered = await walkPages(api, '/events?provider=2checkout&type=payment.refunded', 1);
      expect(filtered.map((event) => event.id)).toEqual([eventIds.refund]);
    });

    it('shows one event with its deliveries and their attempts', async () => {
      const answer = await api.get(`/events/${eventIds.refund}`);
      expect(answer.status).toBe(200);
      const { deliveries, ...event } = answer.body;
      const [stored] = await database.handle.rows<{ body: string }>(
        sql`select body from events where id = ${eventIds.refund}`,
      );
      expect(event).toEqual(JSON.parse(stored?.body ?? ''));
      expect(event.type).toBe('payment.refunded');
      expect(deliveries.map((delivery: { subscriber_id: string }) => delivery.subscriber_id).sort()).toEqual(
        [everything, payments].sort(),
      );
      for (const delivery of deliveries) {
        expect(delivery).toMatchObject({
          id: expect.stringMatching(/^dlv_/),
          event_id: eventIds.refund,
          status: expect.stringMatching(/^(pending|succeeded)$/),
          attempt_count: expect.any(Number),
          attempts: expect.any(Array),
        });
      }
      // license.changed is not a payment.*: only the catch-all subscriber has it.
      const license = (await api.get(`/events/${eventIds.license}`)).body;
      expect(license.deliveries.map((delivery: { subscriber_id: string }) => delivery.subscriber_id)).toEqual(
        [everything],
      );
    });

    it('answers 404 for an unknown event', async () => {
      expectProblem(await api.get('/events/evt_01JD5Q8Z3R4B9T6W2X7Y0KMN1P'), 404);
    });
  });

  describe('deliveries', () => {
    it('lists deliveries newest first with the documented fields', async () => {
      const answer = await api.get('/deliveries');
      expect(answer.status).toBe(200);
      expect(answer.body.data).toHaveLength(5);
      expect(answer.body.next_cursor).toBeNull();
      const ids = answer.body.data.map((delivery: { id: string }) => delivery.id);
      expect(ids).toEqual([...ids].sort().reverse());
      expect(Object.keys(answer.body.data[0]).sort()).toEqual(
        [
          'attempt_count',
          'created_at',
          'event_id',
          'id',
          'last_error',
          'last_status_code',
          'next_attempt_at',
          'status',
          'subscriber_id',
          'updated_at',
        ].sort(),
      );
      expect(Date.parse(answer.body.data[0].created_at)).not.toBeNaN();
    });

    it('filters by subscriber, event and status', async () => {
      const bySubscriber = (await api.get(`/deliveries?subscriber_id=${payments}`)).body.data;
      expect(bySubscriber.map((delivery: { event_id: string }) => delivery.event_id)).toEqual([
        eventIds.refund,
        eventIds.pending,
      ]);
      const byEvent = (await api.get(`/deliveries?event_id=${eventIds.pending}&subscriber_id=${everything}`))
        .body;
      expect(byEvent.data).toHaveLength(1);

      const [target] = await deliveryRows(
        sql`subscriber_id = ${payments} and event_id = ${eventIds.pending}`,
      );
      await park(target?.id ?? '', 'failed');
      const failed = (await api.get('/deliveries?status=failed')).body.data;
      expect(failed.map((delivery: { id: string }) => delivery.id)).toEqual([target?.id]);
      expect(failed[0]).toMatchObject({
        status: 'failed',
        attempt_count: PARKED_ATTEMPTS,
        next_attempt_at: null,
      });
      const walked = await walkPages(api, '/deliveries', 2);
      expect(new Set(walked.map((delivery) => delivery.id)).size).toBe(5);
    });

    it('refuses an unknown status filter with 422', async () => {
      expectProblem(await api.get('/deliveries?status=done'), 422);
    });

    it('shows one delivery with its attempts in order', async () => {
      const [target] = await deliveryRows(sql`event_id = ${eventIds.license}`);
      const id = target?.id ?? '';
      await park(id, 'failed');
      await database.handle.rows(sql`
        insert into delivery_attempts (delivery_id, number, started_at, duration_ms, status_code, error, response_body, trigger)
        values (${id}, 101, '2026-11-21T12:00:05Z', 1500, null, 'connection refused', null, 'scheduled'),
               (${id}, 100, '2026-11-21T12:00:00Z', 42, 500, null, 'oops', 'manual')`);
      const answer = await api.get(`/deliveries/${id}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ id, event_id: eventIds.license, subscriber_id: everything });
      expect(answer.body.attempts.slice(-2)).toEqual([
        {
          number: 100,
          started_at: '2026-11-21T12:00:00.000Z',
          duration_ms: 42,
          status_code: 500,
          error: null,
          response_body: 'oops',
          trigger: 'manual',
        },
        {
          number: 101,
          started_at: '2026-11-21T12:00:05.000Z',
          duration_ms: 1500,
          status_code: null,
          error: 'connection refused',
          response_body: null,
          trigger: 'scheduled',
        },
      ]);
      const inEvent = (await api.get(`/events/${eventIds.license}`)).body.deliveries[0];
      expect(inEvent.attempts).toEqual(answer.body.attempts);
    });

    it('answers 404 for an unknown delivery', async () => {
      expectProblem(await api.get('/deliveries/dlv_01JD5Q8Z3R4B9T6W2X7Y0KMN1P'), 404);
      expectProblem(await api.post('/deliveries/dlv_01JD5Q8Z3R4B9T6W2X7Y0KMN1P/retry'), 404);
    });
  });

  describe('manual retry', () => {
    it('answers 202, makes the delivery due now and queues a manual job', async () => {
      const [target] = await deliveryRows(
        sql`event_id = ${eventIds.refund} and subscriber_id = ${everything}`,
      );
      const id = target?.id ?? '';
      await park(id, 'failed');
      const answer = await api.post(`/deliveries/${id}/retry`);
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({ id, status: 'pending', attempt: PARKED_ATTEMPTS });

      const [row] = await deliveryRows(sql`id = ${id}`);
      // Pending and due now, unless a delivery worker already took the job.
      if (row?.attempt_count === PARKED_ATTEMPTS) {
        expect(row.status).toBe('pending');
        expect(Math.abs(Date.parse(row.next_attempt_at ?? '') - Date.now())).toBeLessThan(5_000);
        const queue = new Queue(deliveryQueueName(everything), {
          connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }),
          prefix: gateway.config.queuePrefix,
        });
        try {
          // The job is either still queued, or a worker already ran it (the attempt count moved on).
          const seen = await waitFor(
            async () => {
              const job = (await queue.getJobs(['wait', 'prioritized', 'delayed', 'active'])).find(
                (candidate) => candidate.data.deliveryId === id,
              );
              if (job) return { job };
              const [current] = await deliveryRows(sql`id = ${id}`);
              return (current?.attempt_count ?? 0) > PARKED_ATTEMPTS ? { job: null } : undefined;
            },
            { what: 'the manual delivery job' },
          );
          if (seen.job) {
            expect(seen.job.data).toEqual({ deliveryId: id, attempt: PARKED_ATTEMPTS, trigger: 'manual' });
            expect(seen.job.queueName).toBe(deliveryQueueName(everything));
          }
        } finally {
          await queue.close();
          await queue.disconnect();
        }
      } else {
        expect(row?.attempt_count).toBeGreaterThan(PARKED_ATTEMPTS);
      }
    });

    it('answers 409 while an attempt is in flight, and 202 once the lease has passed', async () => {
      const [target] = await deliveryRows(
        sql`event_id = ${eventIds.pending} and subscriber_id = ${everything}`,
      );
      const id = target?.id ?? '';
      await park(id, 'pending');
      await database.handle.rows(
        sql`update deliveries set lease_until = now() + interval '1 minute' where id = ${id}`,
      );
      expectProblem(await api.post(`/deliveries/${id}/retry`), 409);
      await database.handle.rows(
        sql`update deliveries set lease_until = now() - interval '1 second' where id = ${id}`,
      );
      expect((await api.post(`/deliveries/${id}/retry`)).status).toBe(202);
    });
  });

  describe('bulk retry', () => {
    it("retries the subscriber's failed deliveries in the window, once", async () => {
      await database.handle.rows(
        // Clearing the claim tokens too: an attempt still in flight from an earlier test (its
        // manual retry) cannot record over these rows.
        sql`update deliveries set attempt_count = ${PARKED_ATTEMPTS}, status = 'succeeded', lease_until = null,
              claim_token = null`,
      );
      const mine = await deliveryRows(sql`subscriber_id = ${everything}`);
      const [old, recent, newest] = mine.map((row) => row.id);
      await park(old ?? '', 'failed', sql`'2020-01-01T00:01:00Z'::timestamptz`);
      await park(recent ?? '', 'failed', sql`'2020-01-01T00:02:00Z'::timestamptz`);
      await park(newest ?? '', 'failed', sql`'2020-01-01T00:05:00Z'::timestamptz`);
      const [other] = await deliveryRows(sql`subscriber_id = ${payments}`);
      await park(other?.id ?? '', 'failed', sql`'2020-01-01T00:02:00Z'::timestamptz`);

      const window = {
        subscriber_id: everything,
        since: '2020-01-01T00:01:30Z',
        until: '2020-01-01T00:03:00Z',
      };
      const narrow = await api.post('/deliveries/retry', window);
      expect(narrow.status).toBe(202);
      expect(narrow.body).toEqual({ count: 1, delivery_ids: [recent] });

      const wide = await api.post('/deliveries/retry', {
        subscriber_id: everything,
        since: '2020-01-01T00:00:00Z',
      });
      expect(wide.status).toBe(202);
      expect(wide.body).toEqual({ count: 2, delivery_ids: [old, newest].sort() });
      for (const row of await deliveryRows(sql`id in (${old}, ${recent}, ${newest})`)) {
        expect(row.status === 'pending' || row.attempt_count > PARKED_ATTEMPTS, row.id).toBe(true);
      }
      const [untouched] = await deliveryRows(sql`id = ${other?.id}`);
      expect(untouched?.status).toBe('failed');

      const again = await api.post('/deliveries/retry', {
        subscriber_id: everything,
        since: '2020-01-01T00:00:00Z',
      });
      expect(again.body).toEqual({ count: 0, delivery_ids: [] });
    });

    it('skips a failed delivery whose attempt is in flight', async () => {
      const [target] = await deliveryRows(sql`subscriber_id = ${payments}`);
      await database.handle.rows(
        sql`update deliveries set lease_until = now() + interval '1 minute' where id = ${target?.id}`,
      );
      const answer = await api.post('/deliveries/retry', {
        subscriber_id: payments,
        since: '2020-01-01T00:00:00Z',
      });
      expect(answer.body.count).toBe(0);
      await database.handle.rows(sql`update deliveries set lease_until = null where id = ${target?.id}`);
    });

    it.each([
      [{ since: '2020-01-01T00:00:00Z' }],
      [{ subscriber_id: 'sub_x' }],
      [{ subscriber_id: 'sub_x', since: 'yesterday' }],
      [{ subscriber_id: 'sub_x', since: '2020-01-01' }],
      [{ subscriber_id: 'sub_x', since: '2020-01-02T00:00:00Z', until: '2020-01-01T00:00:00Z' }],
      [{ subscriber_id: 'sub_x', since: '2020-01-01T00:00:00Z', status: 'failed' }],
    ])('refuses %j with 422', async (body) => {
      expectProblem(await api.post('/deliveries/retry', body), 422);
    });

    it('answers 404 for an unknown subscriber', async () => {
      expectProblem(
        await api.post('/deliveries/retry', {
          subscriber_id: 'sub_nope',
          since: '2020-01-01T00:00:00+02:00',
        }),
        404,
      );
    });

    it('answers a malformed body with 400', async () => {
      expectProblem(
        await api.raw('POST', '/deliveries/retry', '{"subscriber_id":', {
          'content-type': 'application/json',
        }),
        400,
      );
    });
  });

  it('keeps the deliveries of a removed subscriber visible', async () => {
    expect((await api.delete(`/subscribers/${payments}`)).status).toBe(204);
    const answer = await api.get(`/deliveries?subscriber_id=${payments}`);
    expect(answer.body.data).toHaveLength(2);
    const event = (await api.get(`/events/${eventIds.refund}`)).body;
    expect(event.deliveries).toHaveLength(2);
  });
});
