import type { DbHandle } from '../db/client';
import type { ClientAddressResolver } from '../http/client-address';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../metrics/metrics';
import type { JobDispatcher } from '../queue/dispatcher';
import type { SecretBox } from '../secrets/secret-box';
import type { SubscriberOperations } from '../subscribers/subscriber-operations';
import type { LoginThrottle } from './login-throttle';
import type { SessionKeys, SessionStore } from './session';

export interface DashboardDeps {
  db: DbHandle;
  dispatcher: JobDispatcher;
  adminToken: string;
  /** Seals and opens subscriber signing secrets. */
  secrets: SecretBox;
  logger: Logger;
  providerIds: string[];
  /** Enabled providers with their endpoint paths, for the overview. */
  endpoints: Array<{ provider: string; account: string; kind: string; path: string }>;
  /** BullMQ job counts by queue and state (waiting, delayed, active, failed). */
  queueCounts(): Promise<Record<string, Record<string, number>>>;
  metrics: GatewayMetrics;
  /** Reads the client address as TRUST_PROXY says (login throttling is per address). */
  clientAddress: ClientAddressResolver;
  /** Configuration warnings for the overview banner. */
  warnings: string[];
  /** Test pings and recover. */
  operations: SubscriberOperations;
}

/** What every route module gets. */
export interface DashboardContext {
  deps: DashboardDeps;
  keys: SessionKeys;
  sessions: SessionStore;
  loginThrottle: LoginThrottle;
  /** Auto-refresh period of the pages an operator watches. */
  refreshSeconds: number;
}
