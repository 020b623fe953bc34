import type { DbHandle } from '../db/client';
import type { Logger } from '../logger';
import type { JobDispatcher } from '../queue/dispatcher';
import type { SubscriberOperations } from '../subscribers/subscriber-operations';

export interface AdminApiDeps {
  db: DbHandle;
  dispatcher: JobDispatcher;
  adminToken: string;
  logger: Logger;
  /** Ids of every known provider (for validating subscriber filters). */
  providerIds: string[];
  /** Test pings and recover. */
  operations: SubscriberOperations;
}
