import { describe, expect, it } from 'vitest';
import { type Config, ConfigError, loadConfig } from '../src/config/config';

/** A provider's parsed shared settings (its environment variables), as its plugin declared them. */
function sharedOf(config: Config, id: string) {
  // biome-ignore lint/suspicious/noExplicitAny: each plugin's settings have their own shape
  return config.providerConfig.enabled.find((provider) => provider.plugin.id === id)?.shared as any;
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

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeNull();
    expect(config.dataDir).toBe('./data');
    expect(config.redisUrl).toBeNull(); // found or started at boot
    expect(config.queuePrefix).toBe('ipn-gateway');
    expect(config.role).toBe('all');
    expect(config.providers).toEqual(['paypal']); // 2checkout needs its secret key
    expect(sharedOf(config, 'paypal').mode).toBe('live');
    expect(sharedOf(config, 'paypal').verifyUrl).toBe('https://ipnpb.paypal.com/cgi-bin/webscr');
    expect(config.delivery.retryScheduleMs).toEqual([
      5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
    expect(config.delivery.timeoutMs).toBe(15_000);
    expect(config.maxBodyBytes).toBe(262_144);
  });

  it('enables 2checkout when its key is set, and picks the sandbox postback host by mode', () => {
    const config = loadConfig({ TWOCHECKOUT_SECRET_KEY: 'k', PAYPAL_MODE: 'sandbox' });
    expect(config.providers).toEqual(['paypal', '2checkout']);
    expect(sharedOf(config, 'paypal').verifyUrl).toBe('https://ipnpb.sandbox.paypal.com/cgi-bin/webscr');
    expect(sharedOf(loadConfig({ PAYPAL_VERIFY_URL: 'http://127.0.0.1:1/x' }), 'paypal').verifyUrl).toBe(
      'http://127.0.0.1:1/x',
    );
  });

  it('switches providers by PROVIDERS alone', () => {
    expect(loadConfig({ TWOCHECKOUT_SECRET_KEY: 'k', PROVIDERS: '2checkout' }).providers).toEqual([
      '2checkout',
    ]);
    expect(loadConfig({ PROVIDERS: ' paypal , ' }).providers).toEqual(['paypal']);
  });

  it('lists every bad value, one line each', () => {
    const found = problems({
      PORT: 'eighty',
      ROLE: 'boss',
      DELIVERY_RETRY_SCHEDULE: '5s,soon',
      DELIVERY_TIMEOUT: '-1s',
      PAYPAL_MODE: 'prod',
      DATABASE_URL: 'mysql://x',
      REDIS_URL: 'nope',
    });
    expect(found).toHaveLength(7);
    for (const name of [
      'PORT',
      'ROLE',
      'DELIVERY_RETRY_SCHEDULE',
      'DELIVERY_TIMEOUT',
      'PAYPAL_MODE',
      'DATABASE_URL',
      'REDIS_URL',
    ]) {
      expect(
        found.some((line) => line.startsWith(`${name}:`)),
        name,
      ).toBe(true);
    }
  });

  it('refuses unknown providers and 2checkout without a key', () => {
    expect(problems({ PROVIDERS: 'paypal,stripe' })).toEqual([
      expect.stringMatching(/unknown provider "stripe"/),
    ]);
    expect(problems({ PROVIDERS: '2checkout' })).toEqual([expect.stringMatching(/TWOCHECKOUT_SECRET_KEY/)]);
  });

  it('parses durations with units', () => {
    const config = loadConfig({ DELIVERY_RETRY_SCHEDULE: '250ms,1s,2m,1h', DELIVERY_TIMEOUT: '1500ms' });
    expect(config.delivery.retryScheduleMs).toEqual([250, 1000, 120_000, 3_600_000]);
    expect(config.delivery.timeoutMs).toBe(1500);
  });

  it('has the data-lifecycle and hardening defaults, and reads their values', () => {
    const defaults = loadConfig({});
    expect(defaults.retentionMs).toBe(90 * 86_400_000);
    expect(defaults.encryption).toEqual({ key: null, previousKey: null });
    expect(defaults.http).toEqual({
      headersTimeoutMs: 20_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 10_000,
      maxConnectionsPerAddress: 256,
    });
    expect(defaults.ingestBatchBytes).toBe(4 * 1024 * 1024);
    const hex = 'ab'.repeat(32);
    const config = loadConfig({
      RETENTION: '45s',
      ENCRYPTION_KEY: hex,
      ENCRYPTION_KEY_PREVIOUS: Buffer.alloc(32, 7).toString('base64'),
      TRUST_PROXY: '2',
    });
    expect(config.retentionMs).toBe(45_000);
    expect(config.encryption.key?.toString('hex')).toBe(hex);
    expect(config.encryption.previousKey).toEqual(Buffer.alloc(32, 7));
    expect(config.trustProxy).toEqual({ kind: 'hops', hops: 2 });
  });

  it('refuses a key that is not 32 bytes and a retention that is not a duration, one line each', () => {
    const found = problems({ ENCRYPTION_KEY: 'short', RETENTION: 'forever' });
    expect(found).toHaveLength(2);
    expect(problems({ HEADERS_TIMEOUT: '40s', REQUEST_TIMEOUT: '30s' })).toEqual([
      'HEADERS_TIMEOUT: must not be longer than REQUEST_TIMEOUT',
    ]);
    expect(found.some((line) => line.startsWith('ENCRYPTION_KEY:'))).toBe(true);
    expect(found.some((line) => line.startsWith('RETENTION:'))).toBe(true);
  });
});
