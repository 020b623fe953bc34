import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PROVIDER_PLUGINS } from '../../providers/index';
import { defineProvider } from '../../providers/types';
import { loadConfig } from '../../src/config/config';
import { disabledProviderHints } from '../../src/disabled-providers';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { deleteQueueKeys, REDIS_URL, TWOCHECKOUT_TEST_KEY, testQueuePrefix } from '../support/gateway';
import { type GatewayProcess, spawnGateway } from '../support/gateway-process';

const hints = (env: Record<string, string>, plugins = PROVIDER_PLUGINS) =>
  disabledProviderHints(loadConfig(env, { plugins }).providerConfig.disabled);

describe('disabledProviderHints', () => {
  it('names the variable that enables an unconfigured provider', () => {
    expect(hints({})).toEqual(['2checkout: disabled, set TWOCHECKOUT_SECRET_KEY to enable']);
  });

  it('points at PROVIDERS when a configured provider was left out of it', () => {
    expect(hints({ PROVIDERS: '2checkout', TWOCHECKOUT_SECRET_KEY: TWOCHECKOUT_TEST_KEY })).toEqual([
      'paypal: disabled, add it to PROVIDERS to enable',
    ]);
    expect(hints({ PROVIDERS: 'paypal', TWOCHECKOUT_SECRET_KEY: TWOCHECKOUT_TEST_KEY })).toEqual([
      '2checkout: disabled, add it to PROVIDERS to enable',
    ]);
  });

  it('says nothing when every provider is enabled', () => {
    expect(hints({ TWOCHECKOUT_SECRET_KEY: TWOCHECKOUT_TEST_KEY })).toEqual([]);
  });

  it('falls back to PROVIDERS for a plugin that names no variable', () => {
    const plugin = defineProvider({
      id: 'example',
      endpoints: [],
      settings: { env: z.object({}), account: z.object({}), defaultAccount: () => null, enabledBy: null },
      configure: () => {
        throw new Error('not configured');
      },
    });
    expect(hints({ TWOCHECKOUT_SECRET_KEY: TWOCHECKOUT_TEST_KEY }, [...PROVIDER_PLUGINS, plugin])).toEqual([
      'example: disabled, add it to PROVIDERS to enable',
    ]);
  });
});

describe('start-up output of the gateway process', () => {
  let database: TestDatabase;
  const prefix = testQueuePrefix();
  const processes: GatewayProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const gateway of processes) {
      gateway.signal('SIGTERM');
      await gateway.exited;
    }
    await deleteQueueKeys(prefix);
    await database?.drop();
  });

  async function startupLines(env: Record<string, string>): Promise<string[]> {
    const gateway = await spawnGateway({
      DATABASE_URL: database.url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      ...env,
    });
    processes.push(gateway);
    return gateway.output().split('\n');
  }

  it('without a 2Checkout key: lists the PayPal endpoint and tells how to enable 2Checkout', async () => {
    const lines = await startupLines({ TWOCHECKOUT_SECRET_KEY: '' });
    expect(lines.some((line) => /^ {2}paypal ipn: http:\/\/127\.0\.0\.1:\d+\/ipn\/paypal$/.test(line))).toBe(
      true,
    );
    expect(lines).toContain('  2checkout: disabled, set TWOCHECKOUT_SECRET_KEY to enable');
    expect(lines.some((line) => line.includes('/ipn/2checkout'))).toBe(false);
  });

  it('with every provider enabled: prints no hint', async () => {
    const lines = await startupLines({ TWOCHECKOUT_SECRET_KEY: TWOCHECKOUT_TEST_KEY });
    expect(lines.some((line) => line.includes('/ipn/2checkout'))).toBe(true);
    expect(lines.some((line) => line.includes('disabled'))).toBe(false);
  });
});
