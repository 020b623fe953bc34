// Start-up prints every endpoint of every account, and for what is off the one variable that
// turns it on, taken from the plugins' own settings declarations.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { deleteQueueKeys, REDIS_URL, testQueuePrefix } from '../support/gateway';
import { type GatewayProcess, spawnGateway } from '../support/gateway-process';

describe('start-up output', () => {
  let database: TestDatabase;
  let gateway: GatewayProcess;
  let dir: string;
  const prefix = testQueuePrefix();

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = mkdtempSync(path.join(tmpdir(), 'ipn-gateway-hints-'));
    const accountsFile = path.join(dir, 'accounts.json');
    writeFileSync(accountsFile, JSON.stringify({ paypal: { main: { webhook_id: 'WH-MAIN' } } }));
    gateway = await spawnGateway({
      DATABASE_URL: database.url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      TWOCHECKOUT_SECRET_KEY: '',
      ACCOUNTS_FILE: accountsFile,
    });
  }, 60_000);

  afterAll(async () => {
    gateway?.signal('SIGTERM');
    await gateway?.exited;
    await deleteQueueKeys(prefix);
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists each account endpoint and names the variable for what is off', () => {
    const output = gateway.output();
    expect(output).toContain(`paypal ipn: ${gateway.url}/ipn/paypal\n`);
    expect(output).toContain(`paypal ipn (main): ${gateway.url}/ipn/paypal/main`);
    expect(output).toContain(`paypal webhook (main): ${gateway.url}/webhooks/paypal/main`);
    expect(output).toContain('paypal webhook: off until PAYPAL_WEBHOOK_ID is set');
    expect(output).toContain('2checkout: disabled, set TWOCHECKOUT_SECRET_KEY to enable');
  });
});
