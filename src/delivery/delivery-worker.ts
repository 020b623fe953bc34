// One delivery attempt per job: claim (lease) → sign → POST → record → schedule the next one.
// PostgreSQL holds the schedule; the BullMQ job for the next attempt is only a wake-up call,
// re-created by the reconciler if Redis loses it. Claims and records of the jobs running at the
// same moment (any subscriber) share one statement each.
import type { Dispatcher } from 'undici';
import type { DbHandle } from '../db/client';
import { GroupCommit } from '../db/group-commit';
import { newId } from '../ids';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../metrics/metrics';
import type { JobDispatcher } from '../queue/dispatcher';
import { type DeliveryJob, deliveryJob } from '../queue/jobs';
import { type SecretBox, SecretDecryptError } from '../secrets/secret-box';
import {
  type AttemptRecord,
  type ClaimedDelivery,
  type ClaimRequest,
  claimDeliveries,
  PARKED_REASON,
  parkDelivery,
  recordAttempts,
  wakeSuccessors,
} from './delivery-store';
import type { HttpSender, SendResult } from './http-sender';
import { nextRetry } from './retry-policy';
import { webhookHeaders } from './signer';

export const USER_AGENT = 'ipn-gateway/0.1 (+https://www.standardwebhooks.com)';

// A held (ordered) delivery is woken when its predecessor settles; this is only the safety net.
const HELD_RECHECK_MS = 5 * 60_000;
const LINGER_MS = 2;

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
  /** Lease on a claimed delivery; must comfortably outlast one attempt and its record. */
  leaseMs: number;
  /** Whether `delivery.exhausted` alerts are wanted (ALERT_WEBHOOK_URL is set). */
  alerts: boolean;
  onAttempt?: AttemptObserver;
}

export function requestFor(delivery: ClaimedDelivery, now: Date, box: SecretBox) {
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
      // The subscriber's static headers first: validation keeps them off the names set below.
      ...delivery.headers,
      'content-type': contentType,
      'user-agent': USER_AGENT,
      ...webhookHeaders(secrets, delivery.eventId, body, now),
    },
  };
}

export function failureText(result: SendResult): string | null {
  if (!result.ok) return result.error;
  return result.statusCode >= 200 && result.statusCode < 300 ? null : `HTTP ${result.statusCode}`;
}

/** succeeded, http_error, timeout or network_error. */
export function attemptOutcome(attempt: Pick<AttemptRecord, 'failure' | 'statusCode' | 'error'>): string {
  if (attempt.failure === null) return 'succeeded';
  if (attempt.statusCode !== null) return 'http_error';
  return attempt.error?.startsWith('timeout') ? 'timeout' : 'network_error';
}

/** Counts an attempt by outcome (overall and per subscriber) and, on success, the event's latency. */
export function observeAttempt(
  metrics: GatewayMetrics,
  attempt: AttemptRecord,
  delivery: ClaimedDelivery,
): void {
  const outcome = attemptOutcome(attempt);
  metrics.deliveryAttempts.inc({ outcome, trigger: attempt.trigger });
  metrics.subscriberAttempts.inc({ subscriber_id: delivery.subscriberId, outcome });
  if (outcome === 'succeeded') {
    const finishedAt = attempt.startedAt.getTime() + attempt.durationMs;
    metrics.deliveryLatency.observe(Math.max(0, finishedAt - delivery.eventReceivedAt.getTime()) / 1000);
  }
}

/** A lane's connections to its subscriber's origin. */
export interface LanePool {
  origin: string;
  dispatcher: Dispatcher;
}

export class DeliveryWorker {
  private readonly claims: GroupCommit<ClaimRequest, ClaimedDelivery | null>;
  private readonly records: GroupCommit<AttemptRecord, boolean>;

  constructor(private readonly deps: DeliveryWorkerDeps) {
    const timings = { leaseMs: deps.leaseMs, recheckMs: HELD_RECHECK_MS };
    // Bounded in flight: under load jobs wait for a slot and share the next statement, so they
    // never fill the connection pool that ingest needs to answer providers.
    // Lingering a little: at a steady rate jobs start one at a time, and a statement per delivery
    // costs far more (Node's socket writes, PostgreSQL's per-statement work) than 2 ms of waiting.
    const limits = { maxInFlight: 2, lingerMs: LINGER_MS };
    this.claims = new GroupCommit((requests) => claimDeliveries(deps.db, requests, timings), limits);
    this.records = new GroupCommit((attempts) => recordAttempts(deps.db, attempts), limits);
  }

  /**
   * One attempt of one delivery, through `pool` (the subscriber's own connections, for its
   * origin). A job that claims nothing (stale, finished, in flight, or held behind an earlier
   * event of the same payment) does nothing.
   */
  async handle(job: DeliveryJob, pool: LanePool | null, jobId?: string) {
    const delivery = await this.claims.submit({ deliveryId: job.deliveryId, attempt: job.attempt });
    if (!delivery) return;
    await this.attempt(delivery, job.trigger, pool, jobId);
  }

  /** Attempts a delivery this process already holds the claim of, and records the attempt. */
  async attempt(
    delivery: ClaimedDelivery,
    trigger: AttemptRecord['trigger'],
    pool: LanePool | null,
    jobId?: string,
  ): Promise<void> {
    if (!delivery.subscriberActive) {
      await parkDelivery(this.deps.db, delivery.id, PARKED_REASON);
      return;
    }
    const dispatcher = pool && new URL(delivery.url).origin === pool.origin ? pool.dispatcher : undefined;
    const { record, retryInMs } = await this.send(delivery, trigger, dispatcher);
    const recorded = await this.records.submit(record);
    // No child logger per attempt: pino serializes a child's bindings when it is made.
    const { logger } = this.deps;
    const where = { jobId, deliveryId: delivery.id, eventId: delivery.eventId, attempt: record.number };
    if (!recorded) {
      logger.warn(where, 'lease was taken over by another claim; this attempt is not recorded');
      return;
    }
    this.deps.onAttempt?.(record, delivery);
    if (record.outcome === 'succeeded') {
      if (logger.isLevelEnabled('debug'))
        logger.debug({ ...where, durationMs: record.durationMs }, 'delivered');
    } else if (retryInMs !== null) {
      logger.info({ ...where, error: record.failure, retryInMs }, 'attempt failed; will retry');
      this.deps.dispatcher.enqueue([deliveryJob(delivery, record.number, 'scheduled', retryInMs)]);
    } else {
      logger.warn({ ...where, error: record.failure }, 'delivery failed: retry schedule used up');
    }
    if (delivery.ordered && delivery.paymentKey !== null && record.outcome !== 'pending') {
      const woken = await wakeSuccessors(this.deps.db, [delivery.id]);
      this.deps.dispatcher.enqueue(
        woken.map((next) =>
          deliveryJob(
            { id: next.id, subscriberId: next.subscriber_id },
            next.attempt_count,
            'scheduled',
            0,
            true,
          ),
        ),
      );
    }
  }

  /** A secret that cannot be opened (wrong ENCRYPTION_KEY) is a failed attempt, not a crash. */
  private async sendSigned(
    delivery: ClaimedDelivery,
    startedAt: Date,
    dispatcher: Dispatcher | undefined,
  ): Promise<SendResult> {
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
      dispatcher,
    });
  }

  private async send(delivery: ClaimedDelivery, trigger: AttemptRecord['trigger'], dispatcher?: Dispatcher) {
    const startedAt = new Date();
    const result = await this.sendSigned(delivery, startedAt, dispatcher);
    const number = delivery.attemptCount + 1;
    const failure = failureText(result);
    const decision =
      failure === null
        ? null
        : nextRetry(this.deps.retryScheduleMs, number, result.ok ? result.retryAfterMs : null);
    const outcome = decision === null ? 'succeeded' : decision.retry ? 'pending' : 'failed';
    const record: AttemptRecord = {
      deliveryId: delivery.id,
      subscriberId: delivery.subscriberId,
      eventId: delivery.eventId,
      claimToken: delivery.claimToken,
      number,
      startedAt,
      durationMs: result.durationMs,
      statusCode: result.ok ? result.statusCode : null,
      error: result.ok ? null : result.error,
      responseBody: result.ok ? result.responseExcerpt : null,
      trigger,
      failure,
      outcome,
      nextAttemptAt: decision?.retry ? new Date(Date.now() + decision.delayMs) : null,
      exhaustedAlertId: outcome === 'failed' && this.deps.alerts ? newId('alr') : null,
    };
    return { record, retryInMs: decision?.retry ? decision.delayMs : null };
  }
}
