// Where Redis comes from: REDIS_URL; else a Redis already answering on the default address; else a
// private redis-server the gateway starts under DATA_DIR (append-only, no eviction); else a clear
// message on how to get one.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from '../logger';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface RedisEndpoint {
  url: string;
  /** A private redis-server this process started, or null. */
  child: ChildProcess | null;
  stop(): Promise<void>;
}

export class RedisUnavailableError extends Error {}

async function answers(url: string, timeoutMs: number): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

async function startPrivateRedis(dataDir: string, logger: Logger): Promise<RedisEndpoint> {
  const directory = path.resolve(dataDir, 'redis');
  mkdirSync(directory, { recursive: true });
  const port = await freePort();
  const child = spawn(
    'redis-server',
    [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--dir',
      directory,
      '--appendonly',
      'yes',
      '--maxmemory-policy',
      'noeviction',
      '--save',
      '',
      '--protected-mode',
      'yes',
      '--daemonize',
      'no',
    ],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let tries = 0; tries < 50; tries++) {
    if (await answers(url, 500)) {
      logger.info({ port, directory }, 'started a private redis-server under DATA_DIR');
      return {
        url,
        child,
        async stop() {
          child.kill('SIGTERM'); // redis-server shuts down cleanly, flushing its append-only file
          await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new RedisUnavailableError(`the private redis-server under ${directory} did not start`);
}

export async function resolveRedis(
  configuredUrl: string | null,
  dataDir: string,
  logger: Logger,
  defaultUrl = DEFAULT_REDIS_URL,
): Promise<RedisEndpoint> {
  const none = async () => {};
  if (configuredUrl) return { url: configuredUrl, child: null, stop: none };
  if (await answers(defaultUrl, 500)) return { url: defaultUrl, child: null, stop: none };
  if (hasRedisServer()) return startPrivateRedis(dataDir, logger);
  throw new RedisUnavailableError(
    `no Redis: nothing answers at ${defaultUrl} and redis-server is not on PATH. Set REDIS_URL=redis://host:6379, ` +
      'or install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) and start ' +
      'the gateway again: it then runs a private redis-server under DATA_DIR.',
  );
}
