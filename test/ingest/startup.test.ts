import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config';
import { createSubscriber } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fixture } from '../support/fixtures';
import {
  deleteQueueKeys,
  REDIS_URL,
  startTestGateway,
  TEST_ADMIN_TOKEN,
  type TestGateway,
  TWOCHECKOUT_TEST_KEY,
  testConfig,
  testQueuePrefix,
  waitFor,
} from '../support/gateway';
import { storedEvents, storedMessages } from '../support/messages';
import { startRecordingServer } from '../support/recording-server';

describe('provider switching by configuration', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(testConfig(database, { PROVIDERS: 'paypal' }), database);
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });

  it('answers 404 on a disabled provider endpoint and stores nothing for it', async () => {
    const post = await gateway.post('/ipn/2checkout', fixture('2checkout', 'ipn-pending.txt'));
    expect(post.status).toBe(404);
    expect((await fetch(`${gateway.url}/lcn/2checkout`)).status).toBe(404);
    expect(await storedMessages(gateway.db)).toHaveLength(0);
    expect((await gateway.post('/ipn/paypal', fixture('paypal', 'web_accept-completed.txt'))).status).toBe(
      200,
    );
  });

  it('serves /healthz and a /readyz that checks PostgreSQL and Redis', async () => {
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });
  });
});

describe('Redis unreachable at readiness', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(testConfig(database, { REDIS_URL: 'redis://127.0.0.1:1' }), database);
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });

  it('reports not ready, but still stores and acknowledges notifications', async () => {
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(503);
    const response = await gateway.post('/ipn/2checkout', fixture('2checkout', 'ipn-refund.txt'));
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^<sig algo="sha3-256"/);
    expect(await storedEvents(gateway.db)).toHaveLength(1);
  });
});

/** No DATABASE_URL: the embedded database under DATA_DIR. */
const pgliteEnv = (dataDir: string, prefix: string) => ({
  PORT: '0',
  HOST: '127.0.0.1',
  DATA_DIR: dataDir,
  REDIS_URL,
  QUEUE_PREFIX: prefix,
  TWOCHECKOUT_SECRET_KEY: TWOCHECKOUT_TEST_KEY,
  LOG_LEVEL: 'silent',
});

describe('embedded PGlite when no DATABASE_URL is set', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ipn-gateway-pglite-'));
  const prefix = testQueuePrefix();
  const env = pgliteEnv(dataDir, prefix);
  afterAll(async () => {
    await deleteQueueKeys(prefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('migrates, stores, generates and keeps an admin token, and keeps data across restarts', async () => {
    const first = await startTestGateway(loadConfig(env));
    expect(first.db.kind).toBe('pglite');
    expect(first.adminTokenGenerated).toBe(true);
    const response = await first.post('/ipn/2checkout', fixture('2checkout', 'ipn-pending.txt'));
    expect(response.status).toBe(200);
    const events = await storedEvents(first.db);
    expect(events.map((event) => event.type)).toEqual(['payment.pending']);
    // The payment upsert runs on the embedded database too.
    const payments = await first.db.rows<{ state: string }>(sql`select state from payments`);
    expect(payments).toEqual([{ state: 'payment.pending' }]);
    const token = first.adminToken;
    await first.stop();

    const second = await startTestGateway(loadConfig(env));
    expect(second.adminTokenGenerated).toBe(false);
    expect(second.adminToken).toBe(token);
    expect((await storedEvents(second.db)).map((event) => event.type)).toEqual(['payment.pending']);
    const again = await second.post('/ipn/2checkout', fixture('2checkout', 'ipn-pending.txt'));
    expect(again.status).toBe(200);
    expect((await storedMessages(second.db)).map((message) => message.status)).toEqual([
      'verified',
      'duplicate',
    ]);
    await second.stop();
  }, 120_000);
});

describe('embedded PGlite delivers', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ipn-gateway-pglite-'));
  const prefix = testQueuePrefix();
  afterAll(async () => {
    await deleteQueueKeys(prefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  // What `npm start` runs on a fresh machine: one process, so first attempts are claimed by the
  // ingest statement itself (preclaim.ts) on the embedded database too.
  it('delivers an event to a subscriber and records the attempt', async () => {
    const subscriber = await startRecordingServer();
    const gateway = await startTestGateway(
      loadConfig({ ...pgliteEnv(dataDir, prefix), ADMIN_TOKEN: TEST_ADMIN_TOKEN }),
    );
    try {
      expect(gateway.db.kind).toBe('pglite');
      await createSubscriber(gateway.url, { url: subscriber.url });
      await waitFor(() => gateway.workers?.lanes.running().length === 1, { what: 'the lane' });
      const response = await gateway.post('/ipn/2checkout', fixture('2checkout', 'ipn-pending.txt'));
      expect(response.status).toBe(200);
      await waitFor(() => subscriber.received.length === 1, { what: 'the delivery' });
      const deliveries = await waitFor(
        async () => {
          const rows = await gateway.db.rows<{
            status: string;
            attempts: number;
            claim_token: string | null;
          }>(sql`
            select d.status, d.claim_token, (select count(*)::int from delivery_attempts a where a.delivery_id = d.id) as attempts
            from deliveries d`);
          return rows[0]?.status === 'succeeded' ? rows : undefined;
        },
        { what: 'the attempt recorded' },
      );
      expect(deliveries).toEqual([{ status: 'succeeded', attempts: 1, claim_token: null }]);
    } finally {
      await gateway.stop();
      await subscriber.close();
    }
  }, 120_000);
});
