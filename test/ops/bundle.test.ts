import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fixture } from '../support/fixtures';
import { deleteQueueKeys, REDIS_URL, testQueuePrefix, waitFor } from '../support/gateway';
import { type GatewayProcess, spawnGateway } from '../support/gateway-process';

describe('the bundle npm start runs', () => {
  let database: TestDatabase;
  let gateway: GatewayProcess;
  const prefix = testQueuePrefix();

  beforeAll(async () => {
    execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'pipe' });
    database = await createTestDatabase();
    gateway = await spawnGateway(
      { DATABASE_URL: database.url, REDIS_URL, QUEUE_PREFIX: prefix },
      30_000,
      'dist/main.js',
    );
  }, 60_000);
  afterAll(async () => {
    gateway?.signal('SIGTERM');
    await gateway?.exited;
    await deleteQueueKeys(prefix);
    await database?.drop();
  });

  it('migrates, serves every part (migrations and dashboard assets found from dist/) and stops on SIGTERM', async () => {
    const base = gateway.url as string;
    // Ready is a condition, not an instant: on a loaded machine a first check can time out.
    const ready = await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, {
      timeoutMs: 15_000,
      what: '/readyz to answer 200',
    });
    expect(ready).toBe(true);
    const receipt = await fetch(`${base}/ipn/2checkout`, {
      method: 'POST',
      body: fixture('2checkout', 'ipn-pending.txt'),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(receipt.status).toBe(200);
    expect(await receipt.text()).toMatch(/^<sig algo="sha3-256"/);
    const css = await fetch(`${base}/dashboard/assets/dashboard.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect((await fetch(`${base}/api/docs`)).status).toBe(200);
  });
});
