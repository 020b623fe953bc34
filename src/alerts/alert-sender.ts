// Sends stored alerts to ALERT_WEBHOOK_URL as Standard Webhooks (`webhook-id` = the alert id),
// one small batch per second, with its own connections: a slow alert endpoint never touches
// subscriber deliveries.

import type { DbHandle } from '../db/client';
import { failureText } from '../delivery/delivery-worker';
import { HttpSender } from '../delivery/http-sender';
import { nextRetry } from '../delivery/retry-policy';
import { webhookHeaders } from '../delivery/signer';
import { formatTimestamp } from '../events/event-body';
import type { Logger } from '../logger';
import { PeriodicTask } from '../periodic-task';
import { claimDueAlerts, type DueAlert, recordAlertAttempt } from './alert-store';

const TICK_MS = 1000;
const BATCH = 20;

export interface AlertSenderDeps {
  db: DbHandle;
  logger: Logger;
  url: string;
  secret: string;
  timeoutMs: number;
  retryScheduleMs: number[];
}

export function alertBody(alert: DueAlert): string {
  const data = typeof alert.data === 'string' ? JSON.parse(alert.data) : alert.data;
  return JSON.stringify({
    id: alert.id,
    type: alert.type,
    created_at: formatTimestamp(new Date(alert.created_at)),
    data,
  });
}

export class AlertSender {
  private readonly sender = new HttpSender(4);
  private readonly task: PeriodicTask;

  constructor(private readonly deps: AlertSenderDeps) {
    this.task = new PeriodicTask(
      TICK_MS,
      () => this.sendDue(),
      (error) => deps.logger.warn({ err: error }, 'alert pass failed'),
    );
  }

  start(): void {
    this.task.start();
  }

  async stop(): Promise<void> {
    await this.task.stop();
    await this.sender.close();
  }

  async sendDue(): Promise<number> {
    const { db, timeoutMs } = this.deps;
    const due = await claimDueAlerts(db, BATCH, timeoutMs * 2 + 30_000);
    await Promise.all(due.map((alert) => this.send(alert)));
    return due.length;
  }

  private async send(alert: DueAlert): Promise<void> {
    const body = alertBody(alert);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'ipn-gateway/0.1 (alerts)',
      ...webhookHeaders(
        { current: this.deps.secret, previous: null, previousExpiresAt: null },
        alert.id,
        body,
        new Date(),
      ),
    };
    const result = await this.sender.send({
      url: this.deps.url,
      body,
      headers,
      timeoutMs: this.deps.timeoutMs,
    });
    const failure = failureText(result);
    if (failure === null) {
      await recordAlertAttempt(this.deps.db, alert.id, { sent: true });
      return;
    }
    const decision = nextRetry(this.deps.retryScheduleMs, alert.attempt_count + 1, null);
    this.deps.logger.warn({ alertId: alert.id, type: alert.type, error: failure }, 'alert not accepted');
    await recordAlertAttempt(this.deps.db, alert.id, {
      sent: false,
      error: failure,
      retryInMs: decision.retry ? decision.delayMs : null,
    });
  }
}
