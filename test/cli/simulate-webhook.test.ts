// `fake-paypal` serves a development certificate; `simulate paypal-webhook` signs with its key and
// the gateway, trusting the printed CA file, verifies the webhook. `simulate 2checkout --account`
// signs with the account's key from ACCOUNTS_FILE.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureDevFiles } from '../../providers/paypal/simulator/dev-files';
import {
  type FakePaypalServer,
  startFakePaypalServer,
} from '../../providers/paypal/simulator/fake-paypal-server';
import { runCli } from '../../src/cli/program';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';
import { storedEvents, storedMessages } from '../support/messages';

const WEBHOOK_ID = 'CLI-TEST-WEBHOOK';
const EU_KEY = 'EU-KEY-FROM-FILE';

let database: TestDatabase;
let gateway: TestGateway;
let fake: FakePaypalServer;
let dir: string;
let accountsFile: string;

beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(path.join(tmpdir(), 'ipn-gateway-cli-webhook-'));
  const files = ensureDevFiles(path.join(dir, 'certs'));
  fake = await startFakePaypalServer({
    host: '127.0.0.1',
    port: 0,
    key: 'k',
    certificateChain: files.chainPem,
    certificatePath: '/v1/notifications/certs/CERT-ipn-gateway-dev',
  });
  accountsFile = path.join(dir, 'accounts.json');
  writeFileSync(
    accountsFile,
    JSON.stringify({ '2checkout': { 'shop-eu': { secret_key: { env: 'EU_KEY' } } } }),
  );
  gateway = await startTestGateway(
    testConfig(database, {
      PAYPAL_WEBHOOK_ID: WEBHOOK_ID,
      PAYPAL_WEBHOOK_CERT_URL_PREFIXES: fake.base,
      PAYPAL_WEBHOOK_CA_FILE: files.caFile,
      ACCOUNTS_FILE: accountsFile,
      EU_KEY,
    }),
    database,
  );
});

afterAll(async () => {
  await gateway?.close();
  await fake?.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  try {
    const code = await runCli(['node', 'ipn-gateway', ...args]);
    return { code, out: lines.join('') };
  } finally {
    write.mockRestore();
    vi.unstubAllEnvs();
  }
}

describe('simulate paypal-webhook', () => {
  it('signs with the fake-paypal certificate; the gateway verifies it into the mapped event', async () => {
    const { code, out } = await cli([
      'simulate',
      'paypal-webhook',
      '--type',
      'payment.completed',
      '--url',
      gateway.url,
      '--webhook-id',
      WEBHOOK_ID,
      '--fake-paypal',
      fake.base,
      '--certs-dir',
      path.join(dir, 'certs'),
    ]);
    expect(out).toMatch(/PAYMENT\.CAPTURE\.COMPLETED .* -> 200/);
    expect(code).toBe(0);
    const message = await waitFor(
      async () =>
        (await storedMessages(gateway.db)).find((row) => row.kind === 'webhook' && row.status === 'verified'),
      { what: 'a verified webhook' },
    );
    const event = (await storedEvents(gateway.db)).find((row) => row.id === message.event_id);
    expect(JSON.parse(event?.body ?? '{}')).toMatchObject({ type: 'payment.completed', channel: 'webhook' });
  });

  it('a wrong webhook id is refused (exit 1)', async () => {
    const { code, out } = await cli([
      'simulate',
      'paypal-webhook',
      '--url',
      gateway.url,
      '--webhook-id',
      'NOT-THE-ID',
      '--fake-paypal',
      fake.base,
      '--certs-dir',
      path.join(dir, 'certs'),
    ]);
    expect(out).toMatch(/-> 400/);
    expect(code).toBe(1);
  });
});

describe('simulate 2checkout --account', () => {
  it("posts to the account's endpoint signed with its key from ACCOUNTS_FILE; the receipt checks", async () => {
    const { code, out } = await cli(
      ['simulate', '2checkout', '--account', 'shop-eu', '--url', gateway.url, '--algorithm', 'sha256'],
      { ACCOUNTS_FILE: accountsFile, EU_KEY, TWOCHECKOUT_SECRET_KEY: 'not-the-eu-key' },
    );
    expect(out).toMatch(/-> 200, receipt OK/);
    expect(code).toBe(0);
    const events = (await storedEvents(gateway.db)).map((row) => JSON.parse(row.body));
    expect(events.some((event) => event.provider === '2checkout' && event.account === 'shop-eu')).toBe(true);
  });
});
