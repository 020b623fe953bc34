// Watches subscriber health and provider traffic every few seconds, in one worker process at a time
// (a transaction-scoped advisory lock). The delivery path only keeps counters on the subscriber
// row (see RECORD_ATTEMPTS); decisions and alerts are made here:
// - failing: FAILING_AFTER_ATTEMPTS failed attempts in a row → `subscriber.failing`;
// - every attempt failed for SUBSCRIBER_DISABLE_AFTER, at least 5 of them → disabled
//   (`disabled_reason: "failing"`), its pending deliveries parked → `subscriber.disabled`;
// - a success after an alert → `subscriber.recovered`;
// - an enabled provider silent for PROVIDER_SILENCE_ALERT → `provider.silent` (once per period).
import { sql } from 'drizzle-orm';
import { encodeTime } from 'ulid';
import { type AlertType, createAlert } from '../alerts/alert-store';
import type { DbHandle } from '../db/client';
import { PARKED_REASON } from '../delivery/delivery-store';
import type { Logger } from '../logger';
import { PeriodicTask } from '../periodic-task';
import { DISABLE_MIN_ATTEMPTS, FAILING_AFTER_ATTEMPTS } from './health-rules';

const TICK_MS = 5000;
const HEALTH_LOCK_ID = 727_274_614;

export interface HealthMonitorDeps {
  db: DbHandle;
  logger: Logger;
  disableAfterMs: number | null;
  providerSilenceMs: number | null;
  /** The enabled provider accounts, each watched for silence. */
  providers: Array<{ provider: string; account: string }>;
  /** Alerts are stored only when ALERT_WEBHOOK_URL is set. */
  alerts: boolean;
}

type Tx = { execute(query: ReturnType<typeof sql>): Promise<unknown> };

async function rowsOf<T>(tx: Tx, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await tx.execute(query)) as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

export class HealthMonitor {
  private readonly task: PeriodicTask;

  constructor(private readonly deps: HealthMonitorDeps) {
    this.task = new PeriodicTask(
      TICK_MS,
      () => this.runOnce(),
      (error) => deps.logger.warn({ err: error }, 'health pass failed'),
    );
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** One pass; false when another process is doing it. */
  runOnce(): Promise<boolean> {
    const { deps } = this;
    return deps.db.db.transaction(async (tx) => {
      const [lock] = await rowsOf<{ locked: boolean }>(
        tx,
        sql`select pg_try_advisory_xact_lock(${HEALTH_LOCK_ID}) as locked`,
      );
      if (!lock?.locked) return false;
      const alert = async (type: AlertType, data: Record<string, unknown>) => {
        deps.logger.warn({ alert: type, ...data }, 'operational alert');
        if (deps.alerts) await createAlert({ rows: (query) => rowsOf(tx, query) }, type, data);
      };

      const failing = await rowsOf<{ id: string; failing_since: string }>(
        tx,
        sql`update subscribers set alert_state = 'failing', alert_state_at = now()
            where enabled and deleted_at is null and alert_state is null
              and failing_attempts >= ${FAILING_AFTER_ATTEMPTS}
            returning id, failing_since::text`,
      );
      for (const row of failing) {
        await alert('subscriber.failing', { subscriber_id: row.id, failing_since: row.failing_since });
      }

      if (deps.disableAfterMs !== null) {
        const disabled = await rowsOf<{ id: string }>(
          tx,
          sql`update subscribers
              set enabled = false, disabled_reason = 'failing', alert_state = 'disabled', alert_state_at = now(),
                  updated_at = now()
              where enabled and deleted_at is null and failing_attempts >= ${DISABLE_MIN_ATTEMPTS}
                and failing_since <= now() - ${deps.disableAfterMs} * interval '1 millisecond'
              returning id`,
        );
        for (const { id } of disabled) {
          await tx.execute(sql`
            update deliveries
            set status = 'failed', next_attempt_at = null, last_error = ${PARKED_REASON}, updated_at = now()
            where subscriber_id = ${id} and status = 'pending' and (lease_until is null or lease_until < now())`);
          await alert('subscriber.disabled', { subscriber_id: id, reason: 'failing' });
        }
      }

      const recovered = await rowsOf<{ id: string }>(
        tx,
        sql`update subscribers set alert_state = null, alert_state_at = now()
            where enabled and deleted_at is null and alert_state is not null and failing_since is null
              and last_success_at > alert_state_at
            returning id`,
      );
      for (const row of recovered) await alert('subscriber.recovered', { subscriber_id: row.id });

      if (deps.providerSilenceMs !== null && deps.providers.length > 0) {
        const since = Date.now() - deps.providerSilenceMs;
        // Message ids are ULIDs: the window is a range of the primary key, whatever the table's size.
        const heard = await rowsOf<{ provider: string; account: string }>(
          tx,
          sql`select distinct provider, account from inbound_messages where id > ${`msg_${encodeTime(since, 10)}`}`,
        );
        const alerted = await rowsOf<{ provider: string; account: string }>(
          tx,
          sql`select distinct data->>'provider' as provider, data->>'account' as account from alerts
              where type = 'provider.silent' and created_at > ${new Date(since).toISOString()}::timestamptz`,
        );
        const key = (row: { provider: string; account: string }) => `${row.provider}\u0000${row.account}`;
        const notSilent = new Set([...heard, ...alerted].map(key));
        for (const { provider, account } of deps.providers.filter((entry) => !notSilent.has(key(entry)))) {
          // Recorded even without alerts configured, so the warning is logged once per period.
          await createAlert(
            { rows: (query) => rowsOf(tx, query) },
            'provider.silent',
            { provider, account, silent_for_ms: deps.providerSilenceMs },
            deps.alerts ? 'pending' : 'unsent',
          );
          deps.logger.warn({ alert: 'provider.silent', provider, account }, 'operational alert');
        }
      }
      return true;
    });
  }
}
