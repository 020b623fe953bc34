import type { Config } from '../config/config';
import type { DbHandle } from '../db/client';
import type { Logger } from '../logger';
import type { GatewayMetrics, QueueCounts } from '../metrics/metrics';
import type { ProviderInstance } from '../providers/provider-instances';
import type { JobDispatcher } from '../queue/dispatcher';
import type { RedisConnection } from '../queue/redis';
import type { SecretBox } from '../secrets/secret-box';
import type { NetworkClient } from '../verify/network-client';

/** What every role of a gateway process shares, built once by the composition root. */
export interface GatewayContext {
  config: Config;
  logger: Logger;
  db: DbHandle;
  /** Every enabled provider account. */
  providers: ProviderInstance[];
  /** Sends (and caches) the network requests of provider checks. */
  network: NetworkClient;
  adminToken: string;
  /** Subscriber secrets at rest (ENCRYPTION_KEY). */
  secrets: SecretBox;
  /** Configuration warnings, shown on the dashboard overview. */
  warnings: string[];
  redisUrl: string;
  /** The producer connection, also used for readiness checks. */
  producer: RedisConnection;
  dispatcher: JobDispatcher;
  metrics: GatewayMetrics;
  queueCounts(): Promise<QueueCounts>;
}

/** Waits for `work`, but never longer than `ms`; failures are ignored (we are stopping anyway). */
export async function bounded(work: Promise<unknown> | undefined, ms: number): Promise<void> {
  if (!work) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.catch(() => {}),
    new Promise((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

export const SHUTDOWN_STEP_MS = 5_000;
