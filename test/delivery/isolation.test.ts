// Isolation: a subscriber that hangs or refuses connections never delays the others. With the
// delivery timeout longer than the whole test window, a design where a hung request held a shared
// worker slot would deliver at most DELIVERY_CONCURRENCY events before the first timeout.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, createSubscriber } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { refusingUrl, sendNotifications } from '../support/load';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';

const NOTIFICATIONS = 200;
const TIMEOUT_MS = 8000;
// Well under TIMEOUT_MS: only isolation gets every event through this soon.
const HEALTHY_WITHIN_MS = 5000;

const distinctIds = (server: RecordingServer) =>
  new Set(server.received.map((request) => String(request.headers['webhook-id']))).size;

describe('a hanging or refusing subscriber never delays the others', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let hanging: RecordingServer;
  const healthy: RecordingServer[] = [];
  let hangingId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(
      testConfig(database, {
        DELIVERY_TIMEOUT: `${TIMEOUT_MS}ms`,
        DELIVERY_RETRY_SCHEDULE: '30s',
        DELIVERY_CONCURRENCY: '16',
      }),
      database,
    );
    hanging = await startRecordingServer(() => ({ status: 200, hang: true }));
    hangingId = (await createSubscriber(gateway.url, { url: hanging.url })).id;
    for (let index = 0; index < 3; index++) {
      const server = await startRecordingServer(() => ({ status: 204 }));
      healthy.push(server);
      await createSubscriber(gateway.url, { url: server.url });
    }
    await waitFor(() => gateway.workers?.lanes.running().length === 4, { what: 'four delivery lanes' });
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([hanging, ...healthy].map((server) => server?.close()));
    await database?.drop();
  });

  it(`${NOTIFICATIONS} notifications over 2 s reach the three healthy subscribers while one hangs`, async () => {
    await sendNotifications(gateway.url, NOTIFICATIONS, 2000, '5100');
    const sentAt = Date.now();
    await waitFor(() => healthy.every((server) => distinctIds(server) >= NOTIFICATIONS), {
      what: 'every event at the three healthy subscribers',
      timeoutMs: HEALTHY_WITHIN_MS,
      intervalMs: 50,
    });
    expect(Date.now() - sentAt).toBeLessThan(TIMEOUT_MS);
    for (const server of healthy) expect(distinctIds(server)).toBe(NOTIFICATIONS);
    // The hanging subscriber got requests (up to its slots), none answered.
    expect(hanging.received.length).toBeGreaterThan(0);
  });

  it("the hanging subscriber's attempts are recorded as timeouts", async () => {
    const attempts = await waitFor(
      async () => {
        const rows = await gateway.db.rows<{ error: string | null; status_code: number | null }>(sql`
          select a.error, a.status_code from delivery_attempts a join deliveries d on d.id = a.delivery_id
          where d.subscriber_id = ${hangingId}`);
        return rows.length > 0 ? rows : undefined;
      },
      { what: 'timed-out attempts of the hanging subscriber', timeoutMs: TIMEOUT_MS + 10_000 },
    );
    for (const attempt of attempts) {
      expect(attempt.status_code).toBeNull();
      expect(attempt.error).toBe(`timeout after ${TIMEOUT_MS} ms`);
    }
  }, 30_000);

  it('the same with a subscriber that refuses connections', async () => {
    await apiCall(gateway.url, 'PATCH', `/subscribers/${hangingId}`, { url: await refusingUrl() }, 200);
    const before = healthy.map(distinctIds);
    await sendNotifications(gateway.url, NOTIFICATIONS, 2000, '5200');
    await waitFor(
      () =>
        healthy.every((server, index) => distinctIds(server) >= (before[index] as number) + NOTIFICATIONS),
      {
        what: 'every new event at the three healthy subscribers',
        timeoutMs: HEALTHY_WITHIN_MS,
        intervalMs: 50,
      },
    );
    // Every new event got a refused first attempt (recorded as such, no status code).
    await waitFor(
      async () => {
        const [row] = await gateway.db.rows<{ events: number }>(sql`
          select count(distinct d.event_id)::int as events
          from delivery_attempts a
          join deliveries d on d.id = a.delivery_id
          join events e on e.id = d.event_id
          where d.subscriber_id = ${hangingId} and e.transaction_id like '5200%'
            and a.error = 'connection refused' and a.status_code is null`);
        return row?.events === NOTIFICATIONS;
      },
      { what: 'a refused attempt for every new event', timeoutMs: 15_000 },
    );
  }, 40_000);
});
