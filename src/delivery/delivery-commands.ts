// Operator commands on deliveries. Protocol shared with the delivery worker: a retry makes the
// delivery pending and due now in one statement (never while a lease says an attempt is in
// flight), then enqueues a job carrying the attempt_count it found; the worker's claim only
// succeeds for that count, so a stale or duplicate job does nothing.
import { sql } from 'drizzle-orm';
import type { DbHandle } from '../db/client';
import type { JobDispatcher } from '../queue/dispatcher';
import { deliveryJob } from '../queue/jobs';

export interface DeliveryCommandDeps {
  db: DbHandle;
  dispatcher: JobDispatcher;
}

export type RetryOutcome =
  | { outcome: 'queued'; attempt: number }
  | { outcome: 'not_found' }
  | { outcome: 'in_flight' };

/** Most deliveries one bulk retry touches; call again for the rest (retried ones are no longer failed). */
export const BULK_RETRY_LIMIT = 1000;

export async function retryDelivery(deps: DeliveryCommandDeps, deliveryId: string): Promise<RetryOutcome> {
  const [row] = await deps.db.rows<{ attempt_count: number }>(sql`
    update deliveries
    set status = 'pending', next_attempt_at = now(), updated_at = now()
    where id = ${deliveryId} and (lease_until is null or lease_until < now())
    returning attempt_count`);
  if (row) {
    deps.dispatcher.enqueue('delivery', [deliveryJob(deliveryId, row.attempt_count, 'manual')]);
    return { outcome: 'queued', attempt: row.attempt_count };
  }
  const [existing] = await deps.db.rows<{ id: string }>(
    sql`select id from deliveries where id = ${deliveryId}`,
  );
  return existing ? { outcome: 'in_flight' } : { outcome: 'not_found' };
}

export interface BulkRetryRequest {
  subscriberId: string;
  /** Deliveries that failed (last changed) at or after this time... */
  since: Date;
  /** ...and before this one, when given. */
  until?: Date | undefined;
}

/** Retries the oldest failed deliveries of one subscriber in the window, up to BULK_RETRY_LIMIT. */
export async function retryFailedDeliveries(
  deps: DeliveryCommandDeps,
  request: BulkRetryRequest,
): Promise<string[]> {
  const until = request.until ? sql`and updated_at < ${request.until.toISOString()}::timestamptz` : sql``;
  const rows = await deps.db.rows<{ id: string; attempt_count: number }>(sql`
    update deliveries
    set status = 'pending', next_attempt_at = now(), updated_at = now()
    where id in (
      select id from deliveries
      where subscriber_id = ${request.subscriberId} and status = 'failed'
        and updated_at >= ${request.since.toISOString()}::timestamptz ${until}
        and (lease_until is null or lease_until < now())
      order by id
      limit ${BULK_RETRY_LIMIT}
      for update skip locked)
    and status = 'failed'
    returning id, attempt_count`);
  deps.dispatcher.enqueue(
    'delivery',
    rows.map((row) => deliveryJob(row.id, row.attempt_count, 'manual')),
  );
  return rows.map((row) => row.id).sort();
}
