// The audit log of admin actions: who did what to which object, and under which request id.
// Writing an entry never fails the action it describes (the failure is logged instead).
import type { Context } from 'hono';
import type { DbHandle } from '../db/client';
import type { Logger } from '../logger';

export type AuditAction =
  | 'subscriber.create'
  | 'subscriber.update'
  | 'subscriber.delete'
  | 'subscriber.rotate_secret'
  | 'delivery.retry'
  | 'delivery.retry_failed'
  | 'delivery.recover'
  | 'erasure.create'
  | 'dashboard.login'
  | 'dashboard.logout'
  | (string & {});

export interface AuditEntry {
  /** `api-token`, or `dashboard:<session ref>`. */
  actor: string;
  action: AuditAction;
  target?: string | null;
  requestId?: string | null;
  /** Never personal data: an erasure records a hash of the email, not the email. */
  details?: Record<string, unknown>;
}

export interface AuditRecord {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

const INSERT = `insert into audit_log (actor, action, target, request_id, details) values ($1, $2, $3, $4, $5::jsonb)`;

export async function recordAudit(handle: DbHandle, entry: AuditEntry, logger?: Logger): Promise<void> {
  try {
    await handle.query(INSERT, [
      entry.actor,
      entry.action,
      entry.target ?? null,
      entry.requestId ?? null,
      JSON.stringify(entry.details ?? {}),
    ]);
  } catch (error) {
    logger?.error(
      { err: error, action: entry.action, target: entry.target },
      'could not write the audit log',
    );
  }
}

/** The actor of an admin API request (one shared admin token). */
export const API_ACTOR = 'api-token';

/** The request id hono's requestId() middleware set, if any. */
export function requestIdOf(c: Context): string | null {
  const id = (c.get as (key: string) => unknown)('requestId');
  return typeof id === 'string' ? id : null;
}

interface AuditRow extends Record<string, unknown> {
  id: string | number;
  at: Date | string;
  actor: string;
  action: string;
  target: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

export interface AuditPage {
  data: AuditRecord[];
  next_cursor: string | null;
}

/** Newest first; `cursor` is the id of the last entry of the previous page. */
export async function listAudit(
  handle: DbHandle,
  { limit, cursor }: { limit: number; cursor?: string | undefined },
): Promise<AuditPage> {
  const after = cursor !== undefined && /^\d+$/.test(cursor) ? cursor : null;
  const rows = await handle.query<AuditRow>(
    `select id, at, actor, action, target, request_id, details from audit_log
     where ($1::bigint is null or id < $1::bigint) order by id desc limit $2`,
    [after, limit + 1],
  );
  const page = rows.slice(0, limit).map((row) => ({
    id: Number(row.id),
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    action: row.action,
    target: row.target,
    request_id: row.request_id,
    details: row.details,
  }));
  const last = page.at(-1);
  return { data: page, next_cursor: rows.length > limit && last ? String(last.id) : null };
}
