import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/db/client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fixture } from '../support/fixtures';
import { startTestGateway, type TestGateway, testConfig } from '../support/gateway';
import { storedMessages } from '../support/messages';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

describe('PostgreSQL unreachable', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase();
    const target = new URL(database.url);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const viaProxy = new URL(database.url);
    viaProxy.port = String(proxy.port);
    const handle = openPostgres({ url: viaProxy.toString(), connectTimeoutSeconds: 2 });
    gateway = await startTestGateway(
      testConfig(database, { DATABASE_URL: viaProxy.toString(), STORE_TIMEOUT: '1500ms' }),
      {
        ...database,
        handle,
      },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await gateway?.db.close();
    await proxy?.close();
    await database?.drop();
  });

  it('answers 503 with a problem so the provider retries, and acknowledges nothing', async () => {
    proxy.cut();
    const started = Date.now();
    const paypal = await gateway.post('/ipn/paypal', fixture('paypal', 'web_accept-completed.txt'));
    const twocheckout = await gateway.post('/ipn/2checkout', fixture('2checkout', 'ipn-pending.txt'));
    expect(paypal.status).toBe(503);
    expect(paypal.headers.get('content-type')).toContain('application/problem+json');
    expect(paypal.headers.get('retry-after')).toBeTruthy();
    expect(twocheckout.status).toBe(503);
    const text = await twocheckout.text();
    expect(text).not.toContain('EPAYMENT');
    expect(text).not.toContain('<sig');
    expect(Date.now() - started).toBeLessThan(15_000);

    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(503);
  });

  it('accepts again once the database is back, and only the acknowledged messages are stored', async () => {
    proxy.restore();
    const response = await gateway.post('/ipn/2checkout', fixture('2checkout', 'ipn-pending.txt'));
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^<sig algo="sha3-256"/);
    const messages = await storedMessages(database.handle);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.status).toBe('verified');
  });
});
