// Retention with a short RETENTION: old messages, events, deliveries and attempts are pruned in
// batches while ingest keeps answering; recent rows, and payments with their state and amounts, stay.
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { encodeTime } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminClient, adminClient } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestGateway, type TestGateway, testConfig } from '../support/gateway';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';
import { twocheckoutMessage } from '../support/simulated';

const OLD_MESSAGES = 50_000;
const OLD_EVENTS = 5_000;
const DAY_MS = 86_400_000;

/** Old rows straight in SQL (generate_series): ids are ULIDs minted 10 days ago. */
async function seedOldRows(database: TestDatabase, subscriberId: string): Promise<void> {
  const time = encodeTime(Date.now() - 10 * DAY_MS, 10);
  const id = (prefix: string, column = 'g') => `'${prefix}_${time}' || lpad(${column}::text, 16, '0')`;
  const old = `now() - interval '10 days'`;
  await database.handle.rows(
    sql.raw(`
    insert into inbound_messages (id, provider, kind, received_at, status, headers, raw_body, event_id)
    select ${id('msg')}, '2checkout', 'ipn', ${old}, 'verified', '{}'::jsonb, convert_to('REFNO=' || g, 'UTF8'),
           case when g <= ${OLD_EVENTS} then ${id('evt')} end
    from generate_series(1, ${OLD_MESSAGES}) g`),
  );
  await database.handle.rows(
    sql.raw(`
    insert into events (id, provider, type, idempotency_key, livemode, occurred_at, received_at, message_id, body)
    select ${id('evt')}, '2checkout', 'payment.completed', 'old-' || g, true, ${old}, ${old}, ${id('msg')}, '{}'
    from generate_series(1, ${OLD_EVENTS}) g`),
  );
  // Their payments (docs/contract.md section 8): retention keeps these, with state and amounts.
  await database.handle.rows(
    sql.raw(`
    insert into payments (id, provider, transaction_id, state, rank, amount, currency, livemode, first_seen_at,
                          updated_at)
    select 'pay_old_' || g, '2checkout', 'old-' || g, 'payment.completed', 40, '12.50', 'EUR', true, ${old}, ${old}
    from generate_series(1, ${OLD_EVENTS}) g`),
  );
  await database.handle.rows(
    sql.raw(`
    insert into deliveries (id, event_id, subscriber_id, status, attempt_count, created_at, updated_at)
    select ${id('dlv')}, ${id('evt')}, '${subscriberId}', 'succeeded', 1, ${old}, ${old}
    from generate_series(1, ${OLD_EVENTS}) g`),
  );
  await database.handle.rows(
    sql.raw(`
    insert into delivery_attempts (delivery_id, number, started_at, duration_ms, status_code, trigger)
    select ${id('dlv')}, 1, ${old}, 12, 200, 'scheduled' from generate_series(1, ${OLD_EVENTS}) g`),
  );
}

async function count(database: TestDatabase, table: string, where = 'true'): Promise<number> {
  const [row] = await database.handle.rows<{ n: number }>(
    sql.raw(`select count(*)::int as n from ${table} where ${where}`),
  );
  return row?.n ?? -1;
}

describe('retention', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let api: AdminClient;
  let subscriber: RecordingServer;
  let oldMessageId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    subscriber = await startRecordingServer();
    // A long interval: the test runs the pass itself.
    gateway = await startTestGateway(
      testConfig(database, { RETENTION: '1d', RETENTION_INTERVAL: '1h' }),
      database,
    );
    api = adminClient(gateway);
    const created = await api.post('/subscribers', { url: subscriber.url });
    await seedOldRows(database, created.body.id);
    const [row] = await database.handle.rows<{ id: string }>(sql`select min(id) as id from inbound_messages`);
    oldMessageId = row?.id as string;
  }, 120_000);
  afterAll(async () => {
    await gateway?.close();
    await subscriber?.close();
    await database?.drop();
  });

  it('reads RETENTION as a duration down to seconds, default 90 days', async () => {
    const { loadConfig } = await import('../../src/config/config');
    expect(loadConfig({}).retentionMs).toBe(90 * DAY_MS);
    expect(loadConfig({ RETENTION: '30s' }).retentionMs).toBe(30_000);
  });

  it('an old message is readable before the prune', async () => {
    expect((await api.get(`/messages/${oldMessageId}`)).status).toBe(200);
  });

  it('prunes 50,000 old rows in batches while ingest answers every notification', async () => {
    const retention = gateway.retention;
    if (!retention) throw new Error('no retention worker');
    let pruning = true;
    const prune = retention.runOnce().finally(() => {
      pruning = false;
    });
    const answers: number[] = [];
    // Normal traffic for as long as the prune runs (bounded by the count as well).
    while (pruning && answers.length < 2_000) {
      const message = twocheckoutMessage(answers.length);
      answers.push((await gateway.post(message.path, message.body)).status);
    }
    const counts = await prune;
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((status) => status === 200)).toBe(true);
    expect(counts).toMatchObject({
      messages: OLD_MESSAGES,
      events: OLD_EVENTS,
      deliveries: OLD_EVENTS,
      attempts: OLD_EVENTS,
    });

    // Old rows are gone; everything received during the prune is kept, with its event.
    const cutoff = `received_at < now() - interval '1 day'`;
    expect(await count(database, 'inbound_messages', cutoff)).toBe(0);
    expect(await count(database, 'events', cutoff)).toBe(0);
    expect(await count(database, 'deliveries', `created_at < now() - interval '1 day'`)).toBe(0);
    expect(await count(database, 'delivery_attempts', `started_at < now() - interval '1 day'`)).toBe(0);
    expect(await count(database, 'inbound_messages')).toBe(answers.length);
    expect(await count(database, 'events')).toBe(answers.length);
    // Payments stay, with their state and amounts, after their events are gone.
    expect(
      await count(
        database,
        'payments',
        `id like 'pay_old_%' and state = 'payment.completed' and amount = '12.50' and currency = 'EUR'`,
      ),
    ).toBe(OLD_EVENTS);
  }, 120_000);

  it('GET /api/messages/:id of a pruned message is 404', async () => {
    expect((await api.get(`/messages/${oldMessageId}`)).status).toBe(404);
  });

  it('a second pass finds nothing to do, and a pass held by another process is skipped', async () => {
    const retention = gateway.retention;
    if (!retention) throw new Error('no retention worker');
    expect(await retention.runOnce()).toMatchObject({ messages: 0, events: 0 });

    const time = encodeTime(Date.now() - 10 * DAY_MS, 10);
    await database.handle.rows(
      sql.raw(`
      insert into inbound_messages (id, provider, kind, received_at, status, headers, raw_body)
      select 'msg_${time}' || lpad(g::text, 16, '0'), 'paypal', 'ipn', now() - interval '10 days', 'rejected',
             '{}'::jsonb, '\\x00'::bytea
      from generate_series(1, 10) g`),
    );
    // Another process holds the retention lock: this one skips its pass.
    const other = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      await other.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(727274613)`;
        expect(await retention.runOnce()).toMatchObject({ messages: 0 });
      });
    } finally {
      await other.end();
    }
    expect(await retention.runOnce()).toMatchObject({ messages: 10 });
  });
});
