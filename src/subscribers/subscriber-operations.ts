// Operator actions on a subscriber that go beyond editing it (shared by the API, the dashboard
// and, through the API, the CLI): send a test ping, recover missed events.
import { and, eq, isNull } from 'drizzle-orm';
import { formatDuration } from '../config/duration';
import type { DbHandle } from '../db/client';
import { subscribers } from '../db/schema';
import { recoverDeliveries } from '../delivery/delivery-commands';
import { HttpSender } from '../delivery/http-sender';
import { AppError } from '../http/problem';
import type { JobDispatcher } from '../queue/dispatcher';
import type { SecretBox } from '../secrets/secret-box';
import { type PingResult, pingSubscriber } from './subscriber-ping';

export interface SubscriberOperations {
  /** Null when there is no such subscriber. */
  ping(id: string): Promise<PingResult | null>;
  /** How many deliveries were queued; AppError 404 (unknown), 409 (disabled), 422 (too far back). */
  recover(id: string, since: Date, until?: Date): Promise<number>;
  close(): Promise<void>;
}

export interface SubscriberOperationDeps {
  db: DbHandle;
  dispatcher: JobDispatcher;
  /** DELIVERY_TIMEOUT, also for pings. */
  timeoutMs: number;
  retentionMs: number;
  /** Opens the sealed signing secrets a ping is signed with. */
  secrets: SecretBox;
}

export function subscriberOperations(deps: SubscriberOperationDeps): SubscriberOperations {
  const sender = new HttpSender(4);
  return {
    ping: (id) => pingSubscriber(deps.db, sender, deps.secrets, id, deps.timeoutMs),
    async recover(id, since, until) {
      if (since.getTime() < Date.now() - deps.retentionMs) {
        throw new AppError(422, 'invalid request body', {
          errors: [
            {
              path: 'since',
              message: `is more than RETENTION (${formatDuration(deps.retentionMs)}) ago; older events are not kept`,
            },
          ],
        });
      }
      const [row] = await deps.db.db
        .select({ enabled: subscribers.enabled })
        .from(subscribers)
        .where(and(eq(subscribers.id, id), isNull(subscribers.deletedAt)));
      if (!row) throw new AppError(404, `no subscriber ${id}`);
      if (!row.enabled) throw new AppError(409, `subscriber ${id} is disabled; enable it, then recover`);
      return recoverDeliveries(deps, { subscriberId: id, since, until });
    },
    close: () => sender.close(),
  };
}
