// `subscribers add` with delivery options, `show`, `set`, `disable`/`enable`, `test` and `recover`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  startTestGateway,
  TEST_ADMIN_TOKEN,
  type TestGateway,
  testConfig,
  waitFor,
} from '../support/gateway';
import { refusingUrl } from '../support/load';
import { type RecordingServer, startRecordingServer } from '../support/recording-server';
import { runBin } from '../support/run-bin';
import { signedIpn } from '../support/twocheckout-signing';

describe('ipn-gateway subscribers: options, test, recover', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let hook: RecordingServer;
  let env: Record<string, string>;
  let id: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(testConfig(database), database);
    hook = await startRecordingServer(() => ({ status: 200, body: 'pong' }));
    env = { IPN_GATEWAY_URL: gateway.url, ADMIN_TOKEN: TEST_ADMIN_TOKEN };
  });
  afterAll(async () => {
    await gateway?.close();
    await hook?.close();
    await database?.drop();
  });

  it('add with options, show, set', async () => {
    const added = await runBin(
      [
        'subscribers',
        'add',
        hook.url,
        '--livemode',
        'live',
        '--rate-limit',
        '5',
        '--ordering',
        'transaction',
        '--header',
        'X-Api-Key: k1',
        '--header',
        'X-Team: billing',
      ],
      env,
    );
    expect(added.code).toBe(0);
    id = /created subscriber (sub_\S+)/.exec(added.stdout)?.[1] as string;

    const shown = await runBin(['subscribers', 'show', id], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`${id}  active`);
    expect(shown.stdout).toMatch(/livemode:\s+live/);
    expect(shown.stdout).toMatch(/ordering:\s+transaction/);
    expect(shown.stdout).toMatch(/rate limit:\s+5\/s/);
    expect(shown.stdout).toMatch(/headers:\s+x-api-key, x-team/);

    const set = await runBin(['subscribers', 'set', id, '--no-rate-limit', '--livemode', 'all'], env);
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/rate limit:\s+none/);
    expect(set.stdout).toMatch(/livemode:\s+all/);

    const refused = await runBin(['subscribers', 'set', id, '--header', 'Webhook-Id: x'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('422');
  });

  it('test: ok against a healthy URL (exit 0), failed against a refusing one (exit 1)', async () => {
    const ok = await runBin(['subscribers', 'test', id], env);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toMatch(/^ok: HTTP 200 in \d+ ms/);
    expect(ok.stdout).toContain('response: pong');

    const dead = await runBin(['subscribers', 'set', id, '--target', await refusingUrl()], env);
    expect(dead.code).toBe(0);
    const failed = await runBin(['subscribers', 'test', id], env);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('error: connection refused');
    await runBin(['subscribers', 'set', id, '--target', hook.url], env);
  });

  it('disable, events missed, enable, recover --since 2h', async () => {
    const disabled = await runBin(['subscribers', 'disable', id], env);
    expect(disabled.stdout).toContain(`${id} is now disabled (manual)`);
    expect((await gateway.post('/ipn/2checkout', signedIpn('9400001'))).status).toBe(200);
    const enabled = await runBin(['subscribers', 'enable', id], env);
    expect(enabled.stdout).toContain(`${id} is now active`);

    const before = hook.received.length;
    const recovered = await runBin(['subscribers', 'recover', id, '--since', '2h'], env);
    expect(recovered.code).toBe(0);
    expect(recovered.stdout).toContain(`queued 1 deliveries to ${id}`);
    await waitFor(() => hook.received.length === before + 1, { what: 'the recovered event' });

    const tooOld = await runBin(['subscribers', 'recover', id, '--since', '200d'], env);
    expect(tooOld.code).toBe(1);
    expect(tooOld.stderr).toContain('RETENTION');
    const badSince = await runBin(['subscribers', 'recover', id, '--since', 'yesterday-ish'], env);
    expect(badSince.code).toBe(2);
  }, 60_000);
});
