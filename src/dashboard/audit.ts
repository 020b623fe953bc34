import type { Context } from 'hono';
import { type AuditEntry, recordAudit, requestIdOf } from '../audit/audit-log';
import type { DashboardDeps } from './deps';
import { dashboardActor } from './session';

/** Records an admin action done from the dashboard, with the session as actor. */
export function auditDashboard(
  deps: DashboardDeps,
  c: Context,
  entry: Pick<AuditEntry, 'action' | 'target' | 'details'>,
): Promise<void> {
  return recordAudit(deps.db, { ...entry, actor: dashboardActor(c), requestId: requestIdOf(c) }, deps.logger);
}
