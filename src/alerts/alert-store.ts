// Operational alerts are rows first (created in the statement or pass that notices the problem) and
// HTTP requests second: a worker sends them, retrying on the delivery schedule. Nothing on the
// delivery path ever waits for the alert endpoint.
import { sql } from 'drizzle-orm';
import type { DbHandle } from '../db/client';
import { newId } from '../ids';

export const ALERT_TYPES = [
  'subscriber.failing',
  'subscriber.disabled',
  'subscriber.recovered',
  'delivery.exhausted',
  'message.unverified',
  'provider.silent',
] as const;

export type AlertType = (typeof ALERT_TYPES)[number];

type Executor = Pick<DbHandle, 'rows'>;

/**
 * Stores an alert to be sent; `unsent` (no ALERT_WEBHOOK_URL) keeps it only as a record, so a
 * once-per-period alert such as provider.silent is still only logged once per period.
 */
export async function createAlert(
  handle: Executor,
  type: AlertType,
  data: Record<string, unknown>,
  status: 'pending' | 'unsent' = 'pending',
) {
  const id = newId('alr');
  await handle.rows(sql`
    insert into alerts (id, type, data, status)
    values (${id}, ${type}, ${JSON.stringify(data)}::jsonb, ${status})`);
  return id;
}

export interface DueAlert extends Record<string, unknown> {
  id: string;
  type: string;
  data: Record<string, unknown> | string;
  created_at: Date | string;
  attempt_count: number;
}

/** Leases up to `limit` due alerts (skipping those another process holds). */
export function claimDueAlerts(handle: DbHandle, limit: number, leaseMs: number): Promise<DueAlert[]> {
  return handle.rows<DueAlert>(sql`
    update alerts set lease_until = now() + ${leaseMs} * interval '1 millisecond'
    where id in (
      select id from alerts
      where status = 'pending' and next_attempt_at <= now() and (lease_until is null or lease_until < now())
      order by next_attempt_at limit ${limit}
      for update skip locked)
    returning id, type, data, created_at, attempt_count`);
}

export async function recordAlertAttempt(
  handle: DbHandle,
  id: string,
  outcome: { sent: true } | { sent: false; error: string; retryInMs: number | null },
): Promise<void> {
  if (outcome.sent) {
    await handle.rows(sql`
      update alerts set status = 'sent', sent_at = now(), attempt_count = attempt_count + 1,
        lease_until = null, last_error = null
      where id = ${id}`);
    return;
  }
  await handle.rows(sql`
    update alerts
    set attempt_count = attempt_count + 1, lease_until = null, last_error = ${outcome.error},
        status = ${outcome.retryInMs === null ? 'failed' : 'pending'},
        next_attempt_at = ${outcome.retryInMs === null ? null : new Date(Date.now() + outcome.retryInMs).toISOString()}::timestamptz
    where id = ${id}`);
}
