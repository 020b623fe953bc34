// The PayPal postback, run by a worker after the 200: one attempt per job. A verdict settles the
// message; no verdict (network error, 5xx, HTML page) schedules the next attempt in PostgreSQL
// first and in BullMQ second, so a lost job is found again by the reconciler.
import { sql } from 'drizzle-orm';
import type { DeferredVerifier, PostbackVerdict } from '../../providers/types';
import { createAlert } from '../alerts/alert-store';
import type { DbHandle } from '../db/client';
import { buildNewEvent } from '../ingest/ingest';
import { recordVerified, scheduleVerifyRetry, settleWithoutEvent } from '../ingest/message-store';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../metrics/metrics';
import type { JobDispatcher } from '../queue/dispatcher';
import { deliveryJob, type VerifyJob, verifyJob } from '../queue/jobs';

// PayPal resends a notification for about four days; past that a postback is pointless.
const VERIFY_WINDOW_MS = 4 * 24 * 3_600_000;
const MAX_ANSWER_BYTES = 64 * 1024;

export interface PaypalVerifierDeps {
  db: DbHandle;
  logger: Logger;
  dispatcher: JobDispatcher;
  providerId: string;
  verifier: DeferredVerifier;
  timeoutMs: number;
  retryScheduleMs: number[];
  metrics?: GatewayMetrics;
  /** Whether `message.unverified` alerts are wanted (ALERT_WEBHOOK_URL is set). */
  alerts?: boolean;
}

interface PendingMessage extends Record<string, unknown> {
  id: string;
  provider: string;
  status: string;
  raw_body: Buffer | Uint8Array;
  received_at: Date | string;
  verify_attempts: number;
}

interface PostbackResult {
  verdict: PostbackVerdict;
  detail: string;
}

async function readCapped(response: Response): Promise<string> {
  const text = await response.text();
  return text.length > MAX_ANSWER_BYTES ? text.slice(0, MAX_ANSWER_BYTES) : text;
}

export function retryDelay(scheduleMs: number[], attempt: number): number {
  const last = scheduleMs[scheduleMs.length - 1] ?? 60_000;
  return scheduleMs[attempt] ?? last;
}

export class PaypalVerifier {
  constructor(private readonly deps: PaypalVerifierDeps) {}

  private async postback(rawBody: Buffer): Promise<PostbackResult> {
    const request = this.deps.verifier.postbackRequest(rawBody);
    try {
      const response = await fetch(request.url, {
        method: 'POST',
        body: request.body,
        headers: request.headers,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.deps.timeoutMs),
      });
      const text = await readCapped(response);
      const verdict = this.deps.verifier.interpretPostback(response.status, text);
      const excerpt = text.trim().slice(0, 200);
      return { verdict, detail: `HTTP ${response.status}${excerpt ? `: ${excerpt}` : ''}` };
    } catch (error) {
      const cause =
        error instanceof Error
          ? error.cause instanceof Error
            ? error.cause.message
            : error.message
          : String(error);
      return { verdict: 'retry', detail: `postback failed: ${cause}` };
    }
  }

  /** Handles one verify job; safe to run twice for the same attempt (the second finds nothing to do). */
  async handle(job: VerifyJob, jobId?: string): Promise<void> {
    const { db, logger } = this.deps;
    const [message] = await db.rows<PendingMessage>(sql`
      select id, provider, status, raw_body, received_at, verify_attempts
      from inbound_messages where id = ${job.messageId}`);
    if (message?.status !== 'pending' || message.verify_attempts !== job.attempt) return;

    const rawBody = Buffer.isBuffer(message.raw_body) ? message.raw_body : Buffer.from(message.raw_body);
    const receivedAt = new Date(message.received_at);
    const log = logger.child({ jobId, messageId: message.id, attempt: job.attempt + 1 });
    const result = await this.postback(rawBody);
    const count = (outcome: string) =>
      this.deps.metrics?.verifications.inc({ provider: this.deps.providerId, result: outcome });

    if (result.verdict === 'invalid') {
      count('invalid');
      log.warn('PayPal answered INVALID: message not forwarded');
      await settleWithoutEvent(
        db,
        message.id,
        'invalid',
        `PayPal answered INVALID to the postback (${result.detail})`,
      );
      return;
    }
    if (result.verdict === 'retry') {
      count('retry');
      await this.scheduleRetry(message.id, job.attempt + 1, receivedAt, result.detail);
      return;
    }

    const decision = this.deps.verifier.afterVerified(rawBody);
    if (decision.outcome === 'rejected') {
      count('rejected');
      log.warn({ reason: decision.reason }, 'verified message rejected');
      await settleWithoutEvent(db, message.id, 'rejected', decision.reason);
      await this.alertUnverified(message.id, decision.reason);
      return;
    }
    count('verified');
    const event = buildNewEvent(decision.idempotencyKey, decision.event, this.deps.providerId, receivedAt);
    const stored = await recordVerified(
      db,
      { id: message.id, provider: message.provider, receivedAt },
      event,
    );
    log.info({ status: stored.status, eventId: stored.eventId }, 'PayPal message verified');
    this.deps.dispatcher.enqueue(stored.deliveries.map((delivery) => deliveryJob(delivery, 0, 'scheduled')));
  }

  private async alertUnverified(messageId: string, reason: string): Promise<void> {
    if (!this.deps.alerts) return;
    await createAlert(this.deps.db, 'message.unverified', {
      message_id: messageId,
      provider: this.deps.providerId,
      account: 'default',
      reason,
    });
  }

  private async scheduleRetry(messageId: string, attempts: number, receivedAt: Date, detail: string) {
    const { db, logger } = this.deps;
    const delay = retryDelay(this.deps.retryScheduleMs, attempts - 1);
    const nextAt = new Date(Date.now() + delay);
    if (nextAt.getTime() - receivedAt.getTime() > VERIFY_WINDOW_MS) {
      logger.error({ messageId, detail }, 'PayPal postback gave no verdict within four days; giving up');
      await settleWithoutEvent(
        db,
        messageId,
        'rejected',
        `no postback verdict within four days; last: ${detail}`,
      );
      await this.alertUnverified(messageId, `no postback verdict within four days; last: ${detail}`);
      return;
    }
    logger.warn(
      { messageId, attempts, retryInMs: delay, detail },
      'PayPal postback gave no verdict; will retry',
    );
    await scheduleVerifyRetry(db, messageId, attempts, nextAt, detail);
    this.deps.dispatcher.enqueue([verifyJob(messageId, attempts, delay)]);
  }
}
