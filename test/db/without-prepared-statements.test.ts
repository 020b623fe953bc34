// DATABASE_PREPARED_STATEMENTS=false (for PgBouncer in transaction pooling mode): a gateway that
// migrates an empty database, ingests both providers and delivers, without ever naming a
// prepared statement or relying on session state. The wire is read by a relay in front of
// PostgreSQL.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paypalIpn, twocheckoutIpn } from '../../bench/lib/ipn-bodies';
import { openPostgres } from '../../src/db/client';
import { createSubscriber } from '../support/admin-client';
import { type FakePaypal, startFakePaypal } from '../support/fake-paypal';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { adminUrl, dropDatabase, withAdmin } from '../support/pg-admin';
import { type PgSniffer, startPgSniffer } from '../support/pg-wire-sniffer';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';

function urlThrough(sniffer: PgSniffer, database: string): string {
  const url = new URL(adminUrl());
  url.hostname = '127.0.0.1';
  url.port = String(sniffer.port);
  url.pathname = `/${database}`;
  return url.toString();
}

describe('running without server-side prepared statements', () => {
  const name = `ipn_test_${randomBytes(6).toString('hex')}`;
  let sniffer: PgSniffer;
  let gateway: TestGateway;
  let paypal: FakePaypal;
  let subscriber: RecordingServer;

  beforeAll(async () => {
    await withAdmin((sql) => sql.unsafe(`create database ${name}`)); // empty: the gateway migrates it
    const target = new URL(adminUrl());
    sniffer = await startPgSniffer(target.hostname, Number(target.port || 5432));
    paypal = await startFakePaypal();
    subscriber = await startRecordingServer(() => ({ status: 200 }));
    const config = testConfig(
      { name, url: urlThrough(sniffer, name), handle: undefined as never, drop: async () => {} },
      {
        DATABASE_PREPARED_STATEMENTS: 'false',
        PAYPAL_VERIFY_URL: `${paypal.url}/cgi-bin/webscr`,
      },
    );
    expect(config.databasePreparedStatements).toBe(false);
    gateway = await startTestGateway(config); // opens its own database handle from the config
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await paypal?.close();
    await subscriber?.close();
    await sniffer?.close();
    await dropDatabase(name);
  });

  it('migrates, ingests and delivers with unnamed statements only', async () => {
    await createSubscriber(gateway.url, { url: subscriber.url }); // a transaction with an advisory lock
    expect((await gateway.post('/ipn/2checkout', twocheckoutIpn('420000001'))).status).toBe(200);
    expect((await gateway.post('/ipn/paypal', paypalIpn('PGBOUNCER00000001'))).status).toBe(200);
    await waitFor(() => subscriber.received.length >= 2, { what: 'both deliveries', timeoutMs: 20_000 });
    const ids = subscriber.received.map((request) => JSON.parse(request.body.toString()).data.transaction_id);
    expect(ids.sort()).toEqual(['420000001', 'PGBOUNCER00000001']);
    expect(paypal.received).toHaveLength(1);

    const { stats } = sniffer;
    expect(stats.unnamedParses).toBeGreaterThan(10);
    expect(stats.namedParses).toBe(0);
    // Session-scoped state does not survive transaction pooling; only transaction-scoped locks and
    // `set local` (the pruner's timeouts) are allowed.
    expect(stats.statements.some((text) => /pg_advisory_xact_lock/.test(text))).toBe(true);
    expect(stats.statements.filter((text) => /pg_advisory_(un)?lock\(/.test(text))).toEqual([]);
    expect(stats.statements.filter((text) => /^\s*(set(?!\s+local\s)|prepare|listen)\s/i.test(text))).toEqual(
      [],
    );
  }, 40_000);

  it('names its statements by default (the relay does see them)', async () => {
    const handle = openPostgres({ url: urlThrough(sniffer, name), maxConnections: 1 });
    try {
      const before = sniffer.stats.namedParses;
      await handle.query('select count(*) from events where provider = $1', ['paypal']);
      expect(sniffer.stats.namedParses).toBeGreaterThan(before);
    } finally {
      await handle.close();
    }
  });
});
