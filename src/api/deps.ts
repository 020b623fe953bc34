import type { DbHandle } from '../db/client';
import type { Logger } from '../logger';
import type { JobDispatcher } from '../queue/dispatcher';
import type { SecretBox } from '../secrets/secret-box';
import type { SubscriberOperations } from '../subscribers/subscriber-operations';

export interface AdminApiDeps {
  db: DbHandle;
  dispatcher: JobDispatcher;
  adminToken: string;
  /** Seals and opens subscriber signing secrets. */
  secrets: SecretBox;
  logger: Logger;
  /** Ids of every known provider (for validating subscriber filters). */
  providerIds: string[];
  /** Test pings and recover. */
  operations: SubscriberOperations;
}
