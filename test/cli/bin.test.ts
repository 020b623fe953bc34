// The real `ipn-gateway` bin as a child process, against an in-process gateway.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/db/client';
import { adminClient } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fixture } from '../support/fixtures';
import {
  startTestGateway,
  TEST_ADMIN_TOKEN,
  type TestGateway,
  TWOCHECKOUT_TEST_KEY,
  testConfig,
  waitFor,
} from '../support/gateway';
import { databaseUrl, dropDatabase, withAdmin } from '../support/pg-admin';

const BIN = path.resolve('bin/ipn-gateway.js');
// Nothing listens here: deliveries to it fail at once.
const DEAD_HOOK = 'http://127.0.0.1:9/hook';

interface BinRun {
  code: number;
  stdout: string;
  stderr: string;
}

function runBin(args: string[], env: Record<string, string>, cwd = process.cwd()): Promise<BinRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('ipn-gateway bin', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(testConfig(database), database);
    env = { IPN_GATEWAY_URL: gateway.url, ADMIN_TOKEN: TEST_ADMIN_TOKEN };
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });

  it('--help exits 0 and lists the commands', async () => {
    const run = await runBin(['--help'], {});
    expect(run.code).toBe(0);
    for (const command of ['subscribers', 'deliveries', 'events', 'simulate', 'fake-paypal', 'migrate']) {
      expect(run.stdout).toContain(command);
    }
    const sub = await runBin(['simulate', 'paypal', '--help'], {});
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('Examples:');
    expect(sub.stdout).toContain('recurring_payment_skipped');
  });

  it('an unknown command exits non-zero with one clear line', async () => {
    const run = await runBin(['subscribes'], env);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("error: unknown command 'subscribes'");
    expect(run.stdout).toBe('');
  });

  it('a missing or wrong token exits non-zero and says why', async () => {
    const missing = await runBin(['subscribers', 'list'], { IPN_GATEWAY_URL: gateway.url });
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe('error: no admin token: set ADMIN_TOKEN or pass --token <token>');

    const wrong = await runBin(['events', 'list', '--token', 'not-the-admin-token'], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('401');
    expect(wrong.stderr).toContain('the bearer token is not the admin token');
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('subscribers add, list and remove', async () => {
    const added = await runBin(
      [
        'subscribers',
        'add',
        'https://billing.example/hook',
        '--description',
        'billing',
        '--event-types',
        'payment.*',
      ],
      env,
    );
    expect(added.code).toBe(0);
    const id = /created subscriber (sub_\S+)/.exec(added.stdout)?.[1];
    expect(id).toBeDefined();
    expect(added.stdout).toMatch(/secret: whsec_\S+/);

    const table = await runBin(['subscribers', 'list'], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+STATE/);
    expect(table.stdout).toContain(`${id}`);
    expect(table.stdout).toContain('payment.*');

    const listed = await runBin(['subscribers', 'list', '--json'], env);
    const page = JSON.parse(listed.stdout);
    expect(page.data.map((subscriber: { id: string }) => subscriber.id)).toContain(id);

    const invalid = await runBin(
      ['subscribers', 'add', 'https://x.example', '--event-types', 'payment.bogus'],
      env,
    );
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('422');

    const removed = await runBin(['subscribers', 'remove', id as string], env);
    expect(removed).toMatchObject({ code: 0, stdout: `removed subscriber ${id}\n` });
    const after = JSON.parse((await runBin(['subscribers', 'list', '--json'], env)).stdout);
    expect(after.data.map((subscriber: { id: string }) => subscriber.id)).not.toContain(id);

    const again = await runBin(['subscribers', 'remove', id as string], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`404 Not Found: no subscriber ${id}`);
  });

  it('deliveries list --status failed --json, and retry', async () => {
    const api = adminClient(gateway);
    const subscriber = (await api.post('/subscribers', { url: DEAD_HOOK })).body.id as string;
    expect((await gateway.post('/ipn/2checkout', fixture('2checkout', 'ipn-pending.txt'))).status).toBe(200);
    const failedId = await waitFor(
      async () => {
        const { body } = await api.get(`/deliveries?status=failed&subscriber_id=${subscriber}`);
        return body.data[0]?.id as string | undefined;
      },
      { what: 'a failed delivery' },
    );

    const listed = await runBin(['deliveries', 'list', '--status', 'failed', '--json'], env);
    expect(listed.code).toBe(0);
    const page = JSON.parse(listed.stdout);
    expect(page.data.map((delivery: { id: string }) => delivery.id)).toContain(failedId);
    expect(page.data.every((delivery: { status: string }) => delivery.status === 'failed')).toBe(true);

    const retried = await runBin(['deliveries', 'retry', failedId], env);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain(`delivery ${failedId} queued`);

    const badStatus = await runBin(['deliveries', 'list', '--status', 'broken'], env);
    expect(badStatus.code).not.toBe(0);
    expect(badStatus.stderr).toContain('Allowed choices are pending, succeeded, failed');
    await api.delete(`/subscribers/${subscriber}`);
  });

  it('simulate 2checkout reports the receipt, and exits 1 when it is wrong', async () => {
    const ok = await runBin(['simulate', '2checkout', '--type', 'license.changed', '--algorithm', 'md5'], {
      ...env,
      TWOCHECKOUT_SECRET_KEY: TWOCHECKOUT_TEST_KEY,
    });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('receipt OK (md5)');

    const wrong = await runBin(['simulate', '2checkout', '--secret-key', 'wrong-key'], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('-> 400, receipt problem: no receipt in the answer');
    expect(wrong.stderr).toContain('error: 1 of 1 2Checkout messages were not accepted with a valid receipt');
  });

  it('migrate creates the tables in a fresh database', async () => {
    const name = `ipn_test_cli_${randomBytes(5).toString('hex')}`;
    await withAdmin((admin) => admin.unsafe(`create database ${name}`));
    const workDir = mkdtempSync(path.join(tmpdir(), 'ipn-cli-migrate-'));
    try {
      const first = await runBin(['migrate'], { DATABASE_URL: databaseUrl(name) }, workDir);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^applied \d+ migrations? to PostgreSQL/);
      expect(first.stdout).toContain('events');

      const handle = openPostgres({ url: databaseUrl(name) });
      try {
        const [row] = await handle.rows<{ events: string | null; messages: string | null }>(
          sql`select to_regclass('public.events')::text as events, to_regclass('public.inbound_messages')::text as messages`,
        );
        expect(row).toEqual({ events: 'events', messages: 'inbound_messages' });
      } finally {
        await handle.close();
      }

      const second = await runBin(['migrate'], { DATABASE_URL: databaseUrl(name) }, workDir);
      expect(second.code).toBe(0);
      expect(second.stdout).toContain('already up to date');

      const invalid = await runBin(['migrate'], { DATABASE_URL: 'mysql://nope' }, workDir);
      expect(invalid.code).toBe(2);
      expect(invalid.stderr).toContain('DATABASE_URL');
    } finally {
      rmSync(workDir, { recursive: true, force: true });
      await dropDatabase(name);
    }
  });
});
