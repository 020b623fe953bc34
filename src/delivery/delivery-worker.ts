// One delivery attempt per job: claim (lease) → sign → POST → record → schedule the next one.
// PostgreSQL holds the schedule; the BullMQ job for the next attempt is only a wake-up call,
// re-created by the reconciler if Redis loses it.
import type { DbHandle } from '../db/client';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../metrics/metrics';
import type { JobDispatcher } from '../queue/dispatcher';
import { type DeliveryJob, deliveryJob, type EventDeliveryJob, type QueuedJob } from '../queue/jobs';
import { type SecretBox, SecretDecryptError } from '../secrets/secret-box';
import { Batcher } from './batcher';
import {
  type AttemptRecord,
  type ClaimedDelivery,
  claimDelivery,
  claimFirstAttempts,
  parkDelivery,
  recordAttempts,
} from './delivery-store';
import type { HttpSender, SendResult } from './http-sender';
import { nextRetry } from './retry-policy';
import { webhookHeaders } from './signer';

const USER_AGENT = 'ipn-gateway/0.1 (+https://www.standardwebhooks.com)';

export type AttemptObserver = (attempt: AttemptRecord, delivery: ClaimedDelivery) => void;

export interface DeliveryWorkerDeps {
  db: DbHandle;
  logger: Logger;
  dispatcher: JobDispatcher;
  sender: HttpSender;
  /** Opens the stored (encrypted) subscriber secrets; cached per stored value. */
  secrets: SecretBox;
  timeoutMs: number;
  retryScheduleMs: number[];
  /** Lease on a claimed delivery; must outlast one attempt. */
  leaseMs: number;
  onAttempt?: AttemptObserver;
}

function requestFor(delivery: ClaimedDelivery, now: Date, box: SecretBox) {
  const raw = delivery.format === 'raw' && delivery.rawBody !== null;
  const body = raw ? (delivery.rawBody as Buffer) : delivery.eventBody;
  const contentType = raw
    ? (delivery.rawContentType ?? 'application/x-www-form-urlencoded')
    : 'application/json';
  const secrets = {
    current: box.open(delivery.secret),
    previous: delivery.previousSecret === null ? null : box.open(delivery.previousSecret),
    previousExpiresAt: delivery.previousSecretExpiresAt,
  };
  return {
    body,
    headers: {
      'content-type': contentType,
      'user-agent': USER_AGENT,
      ...webhookHeaders(secrets, delivery.eventId, body, now),
    },
  };
}

function failureText(result: SendResult): string | null {
  if (!result.ok) return result.error;
  return result.statusCode >= 200 && result.statusCode < 300 ? null : `HTTP ${result.statusCode}`;
}

/** Counts an attempt by outcome and, on success, how long the event took to arrive. */
export function observeAttempt(
  metrics: GatewayMetrics,
  attempt: AttemptRecord,
  delivery: ClaimedDelivery,
): void {
  let outcome = 'succeeded';
  if (attempt.outcome !== 'succeeded') {
    if (attempt.statusCode !== null) outcome = 'http_error';
    else outcome = attempt.error?.startsWith('timeout') ? 'timeout' : 'network_error';
  }
  metrics.deliveryAttempts.inc({ outcome, trigger: attempt.trigger });
  if (outcome === 'succeeded') {
    const finishedAt = attempt.startedAt.getTime() + attempt.durationMs;
    metrics.deliveryLatency.observe(Math.max(0, finishedAt - delivery.eventReceivedAt.getTime()) / 1000);
  }
}

export class DeliveryWorker {
  private readonly firstAttemptClaims: Batcher<string, ClaimedDelivery[]>;
  private readonly attemptRecords: Batcher<AttemptRecord[], undefined>;

  constructor(private readonly deps: DeliveryWorkerDeps) {
    this.firstAttemptClaims = new Batcher((eventIds) => claimFirstAttempts(deps.db, eventIds, deps.leaseMs));
    this.attemptRecords = new Batcher(async (groups) => {
      await recordAttempts(deps.db, groups.flat());
      return groups.map(() => undefined);
    });
  }

  /** A scheduled retry or a manual attempt of one delivery. */
  async handle(job: DeliveryJob, jobId?: string): Promise<void> {
    const delivery = await claimDelivery(this.deps.db, job.deliveryId, job.attempt, this.deps.leaseMs);
    // No claim: a stale job, a finished delivery, or an attempt already in flight.
    if (delivery) await this.attempt([delivery], job.trigger, jobId);
  }

  /** The first attempt of every delivery of a new event: one claim, parallel POSTs, one record. */
  async handleEvent(job: EventDeliveryJob, jobId?: string): Promise<void> {
    const deliveries = await this.firstAttemptClaims.submit(job.eventId);
    if (deliveries.length > 0) await this.attempt(deliveries, 'scheduled', jobId);
  }

  private async attempt(claimed: ClaimedDelivery[], trigger: AttemptRecord['trigger'], jobId?: string) {
    const { db } = this.deps;
    const inactive = claimed.filter((delivery) => !delivery.subscriberActive);
    for (const delivery of inactive) {
      await parkDelivery(db, delivery.id, 'subscriber is disabled or removed; retry after enabling it');
    }
    const active = claimed.filter((delivery) => delivery.subscriberActive);
    const attempts = await Promise.all(active.map((delivery) => this.send(delivery, trigger)));
    await this.attemptRecords.submit(attempts.map(({ record }) => record));

    const retries: QueuedJob<unknown>[] = [];
    for (const { record, delivery, retryInMs } of attempts) {
      this.deps.onAttempt?.(record, delivery);
      const log = this.deps.logger.child({ jobId, deliveryId: delivery.id, eventId: delivery.eventId });
      if (record.outcome === 'succeeded') {
        log.debug({ attempt: record.number, durationMs: record.durationMs }, 'delivered');
      } else if (retryInMs !== null) {
        log.info({ attempt: record.number, error: record.failure, retryInMs }, 'attempt failed; will retry');
        retries.push(deliveryJob(delivery.id, record.number, 'scheduled', retryInMs));
      } else {
        log.warn(
          { attempt: record.number, error: record.failure },
          'delivery failed: retry schedule used up',
        );
      }
    }
    this.deps.dispatcher.enqueue('delivery', retries);
  }

  /** A secret that cannot be opened (wrong ENCRYPTION_KEY) is a failed attempt, not a crash. */
  private async sendSigned(delivery: ClaimedDelivery, startedAt: Date): Promise<SendResult> {
    let request: ReturnType<typeof requestFor>;
    try {
      request = requestFor(delivery, startedAt, this.deps.secrets);
    } catch (error) {
      if (!(error instanceof SecretDecryptError)) throw error;
      this.deps.logger.error({ deliveryId: delivery.id, err: error }, 'cannot sign a delivery');
      return { ok: false, error: error.message, durationMs: 0 };
    }
    return this.deps.sender.send({
      url: delivery.url,
      body: request.body,
      headers: request.headers,
      timeoutMs: this.deps.timeoutMs,
    });
  }

  private async send(delivery: ClaimedDelivery, trigger: AttemptRecord['trigger']) {
    const startedAt = new Date();
    const result = await this.sendSigned(delivery, startedAt);
    const number = delivery.attemptCount + 1;
    const failure = failureText(result);
    const decision =
      failure === null
        ? null
        : nextRetry(this.deps.retryScheduleMs, number, result.ok ? result.retryAfterMs : null);
    const record: AttemptRecord = {
      deliveryId: delivery.id,
      number,
      startedAt,
      durationMs: result.durationMs,
      statusCode: result.ok ? result.statusCode : null,
      error: result.ok ? null : result.error,
      responseBody: result.ok ? result.responseExcerpt : null,
      trigger,
      failure,
      outcome: decision === null ? 'succeeded' : decision.retry ? 'pending' : 'failed',
      nextAttemptAt: decision?.retry ? new Date(Date.now() + decision.delayMs) : null,
    };
    return { record, delivery, retryInMs: decision?.retry ? decision.delayMs : null };
  }
}
