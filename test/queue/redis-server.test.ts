import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger';
import { DEFAULT_REDIS_URL, resolveRedis } from '../../src/queue/redis-server';

const logger = createLogger('silent');

describe('finding or starting Redis', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ipn-gateway-redis-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('uses REDIS_URL as given', async () => {
    const endpoint = await resolveRedis('redis://example.invalid:6379', dataDir, logger);
    expect(endpoint.url).toBe('redis://example.invalid:6379');
    expect(endpoint.child).toBeNull();
  });

  it('uses a Redis already answering on the default address', async () => {
    const endpoint = await resolveRedis(null, dataDir, logger);
    expect(endpoint.url).toBe(DEFAULT_REDIS_URL);
    expect(endpoint.child).toBeNull();
  });

  it('starts a private append-only redis-server under DATA_DIR when nothing answers', async () => {
    const endpoint = await resolveRedis(null, dataDir, logger, 'redis://127.0.0.1:1');
    expect(endpoint.child).not.toBeNull();
    const client = new Redis(endpoint.url);
    try {
      expect(await client.ping()).toBe('PONG');
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      await client.set('kept', '1');
    } finally {
      client.disconnect();
      await endpoint.stop();
    }
    expect(endpoint.child?.exitCode ?? endpoint.child?.signalCode).not.toBeNull();
    expect(existsSync(path.join(dataDir, 'redis'))).toBe(true);
  });
});
