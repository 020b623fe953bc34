import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { parseRedisTarget, type RedisTarget } from './redis-target';

/** A single Redis or a Redis Cluster client: BullMQ and our own commands take either. */
export type RedisConnection = Redis | Cluster;

const RECONNECT = (times: number) => Math.min(times * 200, 2000);

function clusterClient(target: RedisTarget, redisOptions: RedisOptions, cluster: ClusterOptions): Cluster {
  return new Cluster(target.nodes, {
    clusterRetryStrategy: RECONNECT,
    // A cluster node that restarts comes back on the same address; no NAT mapping is needed.
    slotsRefreshTimeout: 2000,
    ...cluster,
    redisOptions: {
      ...redisOptions,
      username: target.username,
      password: target.password,
      ...(target.tls ? { tls: {} } : {}),
    },
  });
}

/**
 * Producer connection: commands fail at once while Redis is away instead of piling up, because
 * PostgreSQL already holds the work and the reconciler re-enqueues it.
 */
export function createProducerConnection(url: string): RedisConnection {
  const options: RedisOptions = {
    // Commands issued in one tick (BullMQ's adds for several queues) share one socket write.
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: RECONNECT,
  };
  const target = parseRedisTarget(url);
  if (!target.cluster) return new Redis(url, { ...options, lazyConnect: false });
  // A cluster client must learn the slot map before its first command, so commands wait for
  // that at start-up; once the cluster was ready they fail fast, as with a single Redis.
  const cluster = clusterClient(target, options, { enableOfflineQueue: true });
  cluster.once('ready', () => {
    cluster.options.enableOfflineQueue = false;
  });
  return cluster;
}

/** Worker connection: BullMQ needs blocking commands to wait through reconnects. */
export function createWorkerConnection(url: string): RedisConnection {
  const options: RedisOptions = {
    // Commands issued in one tick (jobs of several lanes finishing together) share one write.
    enableAutoPipelining: true,
    maxRetriesPerRequest: null,
    connectTimeout: 2000,
    retryStrategy: RECONNECT,
  };
  const target = parseRedisTarget(url);
  if (!target.cluster) return new Redis(url, options);
  return clusterClient(target, options, { enableOfflineQueue: true });
}
