// ACCOUNTS_FILE and the plugins' settings declarations: one line per problem, each naming where.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config';
import { buildProviderInstances } from '../src/providers/provider-instances';

const dir = mkdtempSync(path.join(tmpdir(), 'ipn-gateway-accounts-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const full = path.join(dir, name);
  writeFileSync(full, typeof content === 'string' ? content : JSON.stringify(content));
  return full;
}

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('ACCOUNTS_FILE', () => {
  it('adds named accounts beside default, resolving { "env": NAME } values', () => {
    const config = loadConfig({
      ACCOUNTS_FILE: file('ok.json', {
        '2checkout': { 'shop-eu': { secret_key: { env: 'EU_KEY' } } },
        paypal: { main: { receiver_emails: ['a@shop.example'], webhook_id: 'WH-MAIN' } },
      }),
      EU_KEY: 'eu-secret',
    });
    expect(config.providers).toEqual(['paypal', '2checkout']);
    const { instances, hints } = buildProviderInstances(config.providerConfig);
    expect(instances.flatMap((instance) => instance.endpoints.map((endpoint) => endpoint.path))).toEqual([
      '/ipn/paypal',
      '/ipn/paypal/main',
      '/webhooks/paypal/main',
      '/ipn/2checkout/shop-eu',
      '/lcn/2checkout/shop-eu',
    ]);
    // The default PayPal account has no webhook id: its webhook endpoint is off, and says why.
    expect(hints).toEqual([
      { provider: 'paypal', account: 'default', kind: 'webhook', variable: 'PAYPAL_WEBHOOK_ID' },
    ]);
    expect(config.providerConfig.disabled).toEqual([]);
  });

  it('reports every problem on its own line, naming provider, account and field', () => {
    const found = problems({
      ACCOUNTS_FILE: file('bad.json', {
        '2checkout': {
          'shop-eu': { secret_key: { env: 'UNSET_KEY' } },
          'bad name!': { secret_key: 'x' },
          default: {},
        },
        paypal: { main: { webhook_id: 42, colour: 'blue' } },
        stripe: { a: {} },
      }),
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^ACCOUNTS_FILE: 2checkout\.shop-eu\.secret_key: environment variable UNSET_KEY is not set/,
        ),
        expect.stringMatching(/^ACCOUNTS_FILE: 2checkout\.bad name!: account names use/),
        expect.stringMatching(
          /^ACCOUNTS_FILE: 2checkout\.default: "default" is the account of the environment/,
        ),
        expect.stringMatching(/^ACCOUNTS_FILE: paypal\.main\.webhook_id: /),
        expect.stringMatching(/^ACCOUNTS_FILE: paypal\.main\.: .*colour/),
        expect.stringMatching(/^ACCOUNTS_FILE: unknown provider "stripe"/),
      ]),
    );
    expect(found.every((line) => !line.includes('\n'))).toBe(true);
  });

  it('refuses a file that is missing or not JSON', () => {
    expect(problems({ ACCOUNTS_FILE: path.join(dir, 'nope.json') })).toEqual([
      expect.stringMatching(/^ACCOUNTS_FILE: cannot read .*ENOENT/),
    ]);
    expect(problems({ ACCOUNTS_FILE: file('junk.json', '{ nope') })).toEqual([
      expect.stringMatching(/not valid JSON/),
    ]);
  });

  it('enables 2checkout by a file account alone, without TWOCHECKOUT_SECRET_KEY', () => {
    const config = loadConfig({
      ACCOUNTS_FILE: file('only-file.json', { '2checkout': { 'shop-us': { secret_key: 'us' } } }),
    });
    expect(config.providers).toContain('2checkout');
    const { instances } = buildProviderInstances(config.providerConfig);
    expect(instances.map((instance) => `${instance.provider}/${instance.account}`)).toEqual([
      'paypal/default',
      '2checkout/shop-us',
    ]);
  });

  it('names the variable that enables a disabled provider, from its settings declaration', () => {
    expect(loadConfig({}).providerConfig.disabled).toEqual([
      { id: '2checkout', enabledBy: 'TWOCHECKOUT_SECRET_KEY', configured: false },
    ]);
  });

  it('validates the PayPal webhook settings at start', () => {
    expect(problems({ PAYPAL_WEBHOOK_CA_FILE: path.join(dir, 'missing-ca.pem') })).toEqual([
      expect.stringMatching(/^PAYPAL_WEBHOOK_CA_FILE: cannot read file/),
    ]);
  });
});
