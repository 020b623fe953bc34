import type { DbHandle } from '../db/client';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../metrics/metrics';
import type { JobDispatcher } from '../queue/dispatcher';
import type { SubscriberOperations } from '../subscribers/subscriber-operations';
import type { SessionKeys } from './session';

export interface DashboardDeps {
  db: DbHandle;
  dispatcher: JobDispatcher;
  adminToken: string;
  logger: Logger;
  providerIds: string[];
  /** Enabled providers with their endpoint paths, for the overview. */
  endpoints: Array<{ provider: string; account: string; kind: string; path: string }>;
  /** BullMQ job counts by queue and state (waiting, delayed, active, failed). */
  queueCounts(): Promise<Record<string, Record<string, number>>>;
  metrics: GatewayMetrics;
  /** Test pings and recover. */
  operations: SubscriberOperations;
}

/** What every route module gets. */
export interface DashboardContext {
  deps: DashboardDeps;
  keys: SessionKeys;
  /** Auto-refresh period of the pages an operator watches. */
  refreshSeconds: number;
}
