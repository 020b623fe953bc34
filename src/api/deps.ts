import type { DbHandle } from '../db/client';
import type { Logger } from '../logger';
import type { JobDispatcher } from '../queue/dispatcher';

export interface AdminApiDeps {
  db: DbHandle;
  dispatcher: JobDispatcher;
  adminToken: string;
  logger: Logger;
  /** Ids of every known provider (for validating subscriber filters). */
  providerIds: string[];
}
