// Erasure by email: afterwards no table holds the address (or the customer's name), amounts and
// states are unchanged, other customers are untouched, and neither logs nor the audit log
// contain the address.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminClient, adminClient } from '../support/admin-client';
import { searchEveryColumn } from '../support/column-search';
import { loginToDashboard } from '../support/dashboard-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakePaypal, startFakePaypal } from '../support/fake-paypal';
import {
  startTestGateway,
  TEST_ADMIN_TOKEN,
  type TestGateway,
  testConfig,
  waitFor,
} from '../support/gateway';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';
import { paypalMessage, twocheckoutMessage } from '../support/simulated';

// Buyer 0 of the 2Checkout simulator; buyer 1 is the customer who must be left alone.
const ERASED = 'helene.dupont@example.com';
const KEPT = 'juergen.weiss@example.de';
const NEEDLES = [ERASED, 'helene.dupont%40example.com', 'dupont'];

interface Snapshot extends Record<string, unknown> {
  id: string;
  state: string;
}

async function snapshot(database: TestDatabase): Promise<Snapshot[]> {
  return database.handle.rows<Snapshot>(sql`
    select id, type || ' ' || coalesce(transaction_id, '') || ' ' || coalesce((body::jsonb)#>>'{data,amount}', '')
           || ' ' || coalesce((body::jsonb)#>>'{data,currency}', '') as state from events
    union all select id, status || ' ' || coalesce(event_id, '') from inbound_messages
    union all select id, status || ' ' || attempt_count from deliveries
    union all select id, state || ' ' || coalesce(amount, '') || ' ' || coalesce(currency, '') || ' '
              || coalesce(refunded_amount::text, '') from payments
    order by id`);
}

function runBin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.resolve('bin/ipn-gateway.js'), ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, timeout: 20_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('erasure by email', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let paypal: FakePaypal;
  let subscriber: RecordingServer;
  let api: AdminClient;
  let logs = '';

  beforeAll(async () => {
    database = await createTestDatabase();
    paypal = await startFakePaypal();
    subscriber = await startRecordingServer();
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write(chunk, _encoding, done) {
          logs += chunk.toString();
          done();
        },
      }),
    );
    gateway = await startTestGateway(
      testConfig(database, { PAYPAL_MODE: 'sandbox', PAYPAL_VERIFY_URL: paypal.url }),
      database,
      logger,
    );
    api = adminClient(gateway);
    await api.post('/subscribers', { url: subscriber.url });

    const post = async (message: { path: string; body: Buffer }) =>
      expect((await gateway.post(message.path, message.body)).status).toBeLessThan(500);
    // Two orders of the erased customer, one resent (a duplicate), one of another customer.
    const first = twocheckoutMessage(0);
    await post(first);
    await post(first);
    await post(twocheckoutMessage(0, 'payment.refunded'));
    await post(twocheckoutMessage(1));
    // PayPal, with the address in another case (payer_email, form-encoded).
    const fromPaypal = paypalMessage(0);
    const persona = /payer_email=([^&]*)/.exec(fromPaypal.body.toString('latin1'))?.[1] as string;
    await post({
      path: fromPaypal.path,
      body: Buffer.from(
        fromPaypal.body.toString('latin1').split(persona).join('Helene.Dupont%40Example.COM'),
        'latin1',
      ),
    });
    // Rejected (bad signature), so it has no event.
    const forged = twocheckoutMessage(0);
    await post({
      path: forged.path,
      body: Buffer.from(
        forged.body.toString('latin1').replace(/SIGNATURE_SHA2_256=[0-9a-f]+/, 'SIGNATURE_SHA2_256=00'),
      ),
    });
    // One whose event retention has already removed.
    const orphan = twocheckoutMessage(0, 'payment.completed');
    await post(orphan);

    await waitFor(async () => subscriber.received.length >= 5, { what: 'five deliveries' });
    await waitFor(
      async () =>
        (await database.handle.rows(sql`select 1 from deliveries where status = 'pending'`)).length === 0,
      { what: 'deliveries settled' },
    );
    const [orphanRow] = await database.handle.rows<{ event_id: string }>(
      sql`select event_id from inbound_messages where encode(raw_body, 'escape') like ${`%${orphan.body.toString('latin1').slice(-40)}%`}`,
    );
    const eventId = orphanRow?.event_id as string;
    await database.handle.rows(sql`
      delete from delivery_attempts where delivery_id in (select id from deliveries where event_id = ${eventId})`);
    await database.handle.rows(sql`delete from deliveries where event_id = ${eventId}`);
    await database.handle.rows(sql`delete from events where id = ${eventId}`);
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await paypal?.close();
    await subscriber?.close();
    await database?.drop();
  });

  it('the address is stored in several tables before', async () => {
    const hits = await searchEveryColumn(database.handle, NEEDLES);
    expect(hits.map((hit) => hit.table).sort()).toEqual(
      expect.arrayContaining(['events', 'inbound_messages', 'payments']),
    );
  });

  it('erases every message and event of the customer, and nothing else', async () => {
    const before = await snapshot(database);
    const response = await api.post('/erasures', { email: 'HELENE.Dupont@Example.com' });
    expect(response.status).toBe(200);
    // 2Checkout: 2 orders + 1 duplicate + 1 rejected + 1 whose event is gone; PayPal: 1.
    expect(response.body).toEqual({ messages: 6, events: 3 });

    expect(await searchEveryColumn(database.handle, NEEDLES)).toEqual([]);
    expect(await snapshot(database)).toEqual(before); // ids, types, amounts, states, counts
    expect((await searchEveryColumn(database.handle, [KEPT])).length).toBeGreaterThan(0);

    const erased = await database.handle.rows<{ body: string }>(
      sql`select body from events where erased_at is not null`,
    );
    expect(erased).toHaveLength(3);
    for (const { body } of erased) {
      const event = JSON.parse(body);
      expect(event.data.customer).toEqual({ email: null, first_name: null, last_name: null, country: null });
      expect(event.raw).toEqual({});
      expect(event.data.amount).not.toBeNull();
    }
    const messages = await database.handle.rows<{ n: number }>(
      sql`select count(*)::int as n from inbound_messages where erased_at is not null and length(raw_body) = 0`,
    );
    expect(messages[0]?.n).toBe(6);
  });

  it('a second request finds nothing left', async () => {
    expect((await api.post('/erasures', { email: ERASED })).body).toEqual({ messages: 0, events: 0 });
  });

  it('is in the audit log as a hash, and the logs never name the address', async () => {
    const audit = await api.get('/audit-log');
    const entry = audit.body.data.find((item: { action: string }) => item.action === 'erasure.create');
    expect(entry).toMatchObject({
      actor: 'api-token',
      target: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
    });
    expect(entry.request_id).toBeTruthy();
    expect(JSON.stringify(audit.body).toLowerCase()).not.toContain('dupont');
    expect(logs).toContain('erasure done');
    expect(logs.toLowerCase()).not.toContain('helene.dupont');
  });

  it('answers 422 for something that is not an email', async () => {
    expect((await api.post('/erasures', { email: 'not an address' })).status).toBe(422);
  });

  it('works from the CLI: ipn-gateway erasures create --email', async () => {
    const run = await runBin([
      'erasures',
      'create',
      '--email',
      KEPT,
      '--url',
      gateway.url,
      '--token',
      TEST_ADMIN_TOKEN,
    ]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('erased: 1 messages, 1 events');
    expect(await searchEveryColumn(database.handle, [KEPT])).toEqual([]);
  });

  it('works from the dashboard form, with the session as actor', async () => {
    const dashboard = await loginToDashboard(gateway.url);
    expect((await dashboard.get('/dashboard/erasures')).html).toContain('data-testid="erasure-form"');
    const answer = await dashboard.post('/dashboard/erasures', { email: 'nobody@example.org' });
    expect(answer.status).toBe(302);
    expect(decodeURIComponent((answer.headers.get('location') ?? '').replace(/\+/g, ' '))).toContain(
      '0 messages and 0 events',
    );
    const audit = await api.get('/audit-log?limit=1');
    expect(audit.body.data[0]).toMatchObject({
      action: 'erasure.create',
      actor: expect.stringMatching(/^dashboard:[0-9a-f]{12}$/),
    });
  });
});
