// Readiness by role: a server (ingest, API) is ready on PostgreSQL alone, so a Redis outage never
// takes ingest out of rotation; it keeps storing and acknowledging with valid receipts.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fixture } from '../support/fixtures';
import {
  REDIS_URL,
  startTestGateway,
  type TestGateway,
  TWOCHECKOUT_TEST_KEY,
  testConfig,
} from '../support/gateway';
import { storedMessages } from '../support/messages';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

const lp = (value: string) => `${Buffer.byteLength(value, 'utf8')}${value}`;
// The values 2Checkout's receipt signs for this fixture: first product id and name, IPN_DATE.
const RECEIPT_VALUES = ['4589231', 'Café Pro Licence', '20261121115804'];

describe('/readyz by role', () => {
  let database: TestDatabase;
  let redisProxy: TcpProxy;
  const gateways: TestGateway[] = [];

  const start = async (role: string) => {
    const gateway = await startTestGateway(
      testConfig(database, { ROLE: role, REDIS_URL: `redis://127.0.0.1:${redisProxy.port}` }),
      database,
    );
    gateways.push(gateway);
    return gateway;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    const redis = new URL(REDIS_URL);
    redisProxy = await startTcpProxy(redis.hostname, Number(redis.port || 6379));
  });
  afterAll(async () => {
    redisProxy?.restore();
    for (const gateway of gateways) await gateway.close();
    await redisProxy?.close();
    await database?.drop();
  });

  it('ROLE=server with Redis stopped: 200, and 2Checkout receipts stay valid', async () => {
    const server = await start('server');
    const all = await start('all');
    redisProxy.cut();

    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { database: 'ok', redis: 'not required' },
    });
    // ROLE=all runs workers too: it needs Redis.
    expect((await fetch(`${all.url}/readyz`)).status).toBe(503);

    const response = await server.post(
      '/ipn/2checkout',
      fixture('2checkout', 'ipn-complete-sha256-only.txt'),
    );
    expect(response.status).toBe(200);
    const match = /^<sig algo="sha256" date="(\d{14})">([0-9a-f]{64})<\/sig>$/.exec(await response.text());
    expect(match).not.toBeNull();
    const [, date, hash] = match as unknown as [string, string, string];
    const expected = createHmac('sha256', TWOCHECKOUT_TEST_KEY)
      .update([...RECEIPT_VALUES, date].map(lp).join(''), 'utf8')
      .digest('hex');
    expect(hash).toBe(expected);
    expect((await storedMessages(server.db)).at(-1)?.status).toBe('verified');
  });
});
