import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { type Config, type LoadConfigOptions, loadConfig } from '../../src/config/config';
import { type Gateway, startGateway } from '../../src/gateway';
import { createLogger, type Logger } from '../../src/logger';
import type { TestDatabase } from './database';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';
export const TWOCHECKOUT_TEST_KEY = 'AABBCCDDEEFF';
export const TEST_ENCRYPTION_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function testQueuePrefix(): string {
  return `ipn-test-${randomBytes(5).toString('hex')}`;
}

/** Configuration for a test gateway on its own database, queue prefix and data folder. */
export function testConfig(
  database: TestDatabase,
  overrides: Record<string, string> = {},
  options: LoadConfigOptions = {},
): Config {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ipn-gateway-test-'));
  return loadConfig(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      REDIS_URL,
      QUEUE_PREFIX: testQueuePrefix(),
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      // Shared with spawned gateway processes, which read subscriber secrets sealed by this one.
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      TWOCHECKOUT_SECRET_KEY: TWOCHECKOUT_TEST_KEY,
      PAYPAL_VERIFY_URL: 'http://127.0.0.1:9/unused',
      PAYPAL_VERIFY_RETRY_SCHEDULE: '50ms',
      PAYPAL_VERIFY_TIMEOUT: '2s',
      DELIVERY_RETRY_SCHEDULE: '50ms,50ms',
      RECONCILE_INTERVAL: '60s',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...overrides,
    },
    options,
  );
}

export interface TestGateway extends Gateway {
  url: string;
  post(pathname: string, body: string | Buffer, headers?: Record<string, string>): Promise<Response>;
  /** Stops the gateway and removes its queue keys and data folder. */
  close(): Promise<void>;
}

export async function startTestGateway(
  config: Config,
  database?: TestDatabase,
  logger?: Logger,
): Promise<TestGateway> {
  const gateway = await startGateway(config, {
    logger: logger ?? createLogger(config.logLevel),
    db: database?.handle,
  });
  if (!gateway.url) throw new Error('test gateway must serve HTTP');
  const url = gateway.url;
  return {
    ...gateway,
    url,
    post: (pathname, body, headers = {}) =>
      fetch(`${url}${pathname}`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      }),
    async close() {
      await gateway.stop();
      await deleteQueueKeys(config.queuePrefix);
      rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}

export async function deleteQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Polls until `probe` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 10_000, intervalMs = 25, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
