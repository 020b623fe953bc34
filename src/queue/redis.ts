import { Redis } from 'ioredis';

/**
 * Producer connection: commands fail at once while Redis is away instead of piling up, because
 * PostgreSQL already holds the work and the reconciler re-enqueues it.
 */
export function createProducerConnection(url: string): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    lazyConnect: false,
  });
}

/** Worker connection: BullMQ needs blocking commands to wait through reconnects. */
export function createWorkerConnection(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}
