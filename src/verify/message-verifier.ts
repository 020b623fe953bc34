// Out-of-band checks, run by a worker: one attempt per job, for any provider whose plugin has a
// verifier (postbacks, certificate fetches...). A verdict settles the message; no verdict
// schedules the next attempt in PostgreSQL first and in BullMQ second, so a lost job is found
// again by the reconciler.
import pLimit, { type LimitFunction } from 'p-limit';
import { createAlert } from '../alerts/alert-store';
import type { DbHandle } from '../db/client';
import { GroupCommit } from '../db/group-commit';
import { FirstDeliveries, type OfferLocally } from '../delivery/first-deliveries';
import { buildNewEvent } from '../ingest/ingest';
import {
  type InboundRecord,
  recordVerifiedBatch,
  type StoreResult,
  scheduleVerifyRetry,
  settleWithoutEvent,
  type VerifiedItem,
} from '../ingest/message-store';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../metrics/metrics';
import { findInstance, type ProviderInstance } from '../providers/provider-instances';
import type { JobDispatcher } from '../queue/dispatcher';
import { type VerifyJob, verifyJob } from '../queue/jobs';
import type { VerifyBatchJob } from './first-checks';
import type { NetworkClient } from './network-client';
import { type CheckResult, MAX_REQUESTS_PER_CHECK, runCheck } from './run-check';

// Used when the message's provider or account is no longer configured: it waits, it is not lost.
const UNCONFIGURED_RETRY_MS = 5 * 60_000;
// Local first checks (see offer): as many at once as the verify worker's jobs could hold, and a
// bounded backlog in memory; past it they go through the queue.
const LOCAL_CHECK_CONCURRENCY = 256;
const LOCAL_CHECK_BACKLOG = 1000;
// A job's hold on its message lasts its longest check plus this (the job's own overhead).
const CLAIM_MARGIN_MS = 30_000;
// A local first check that waited this long for a slot goes through the queue instead, so a local
// check ends within localHoldMs of its message being stored.
const LOCAL_WAIT_LIMIT_MS = 60_000;

export interface MessageVerifierDeps {
  /** Starts first attempts in this process's delivery lanes; returns those to enqueue instead. */
  offerLocally?: OfferLocally;
  db: DbHandle;
  logger: Logger;
  dispatcher: JobDispatcher;
  instances: readonly ProviderInstance[];
  network: NetworkClient;
  metrics?: GatewayMetrics;
  /** Whether `message.unverified` alerts are wanted (ALERT_WEBHOOK_URL is set). */
  alerts?: boolean;
  /** Local first checks at once, how many may wait, and for how long (defaults: LOCAL_*). */
  localChecks?: { concurrency: number; backlog: number; waitLimitMs?: number };
}

/** `message.unverified`: a message gave up on its check, or was rejected after passing it. */
async function alertUnverified(
  deps: Pick<MessageVerifierDeps, 'db' | 'alerts'>,
  message: { id: string; provider: string; account: string },
  reason: string,
): Promise<void> {
  if (!deps.alerts) return;
  await createAlert(deps.db, 'message.unverified', {
    message_id: message.id,
    provider: message.provider,
    account: message.account,
    reason,
  });
}

interface PendingMessage extends Record<string, unknown> {
  id: string;
  provider: string;
  account: string;
  kind: string;
  status: string;
  headers: Record<string, string>;
  raw_body: Buffer | Uint8Array;
  received_at: Date | string;
  verify_attempts: number;
}

export function retryDelay(scheduleMs: number[], attempt: number): number {
  const last = scheduleMs[scheduleMs.length - 1] ?? 60_000;
  return scheduleMs[attempt] ?? last;
}

// Takes the messages a group of jobs is about to check: still pending at the job's attempt, and
// not held by another job's check. Holding them until `$3` ms from now means a second job for the
// same attempt (the reconciler's, or a redelivered one) leaves the message alone instead of asking
// the provider again; a check that dies with its worker is picked up once the hold has passed.
const CLAIM_MESSAGES = `
  update inbound_messages m
  set verify_claimed_until = now() + $3::int * interval '1 millisecond'
  from unnest($1::text[], $2::int[]) as job(id, attempt)
  where m.id = job.id and m.status = 'pending' and m.verify_attempts = job.attempt
    and (m.verify_claimed_until is null or m.verify_claimed_until < now())
  returning m.id, m.provider, m.account, m.kind, m.status, m.headers, m.raw_body, m.received_at,
            m.verify_attempts`;

/** One statement for the jobs that started in the same tick; a message goes to one job only. */
async function claimMessages(
  db: DbHandle,
  jobs: VerifyJob[],
  holdMs: number,
): Promise<Array<PendingMessage | undefined>> {
  const rows = await db.query<PendingMessage>(CLAIM_MESSAGES, [
    jobs.map((job) => job.messageId),
    jobs.map((job) => job.attempt),
    holdMs,
  ]);
  const claimed = new Map(rows.map((row) => [row.id, row]));
  return jobs.map((job) => {
    const message = claimed.get(job.messageId);
    if (message?.verify_attempts !== job.attempt) return undefined;
    claimed.delete(job.messageId);
    return message;
  });
}

/** How long one check can take: every request it may send, each up to its verifier's timeout. */
export function longestCheckMs(instances: readonly ProviderInstance[]): number {
  const timeouts = instances.map((instance) => instance.verifier?.timeoutMs ?? 0);
  return Math.max(0, ...timeouts) * MAX_REQUESTS_PER_CHECK;
}

export class MessageVerifier {
  // The worker runs many jobs at once; the profile showed one statement per job among its costs.
  private readonly claimer: GroupCommit<VerifyJob, PendingMessage | undefined>;
  // ...and one statement per verdict, for the events of the jobs that finish close together.
  private readonly recorder: GroupCommit<VerifiedItem, StoreResult | null>;
  private readonly deliver: (deliveries: StoreResult['deliveries']) => void;
  /** What settleCheck needs, made once (spreading every dependency per verdict showed in the profile). */
  private readonly settleDeps: Parameters<typeof settleCheck>[0];
  private readonly localSlots: LimitFunction;
  private readonly localBacklog: number;
  private readonly localWaitLimitMs: number;
  private readonly inFlight = new Set<Promise<void>>();
  /** Local first checks not started yet. */
  private readonly waiting = new Set<string>();
  private closed = false;
  /** How long the reconciler must leave a message stored for a local first check (see offer). */
  readonly localHoldMs: number;

  constructor(private readonly deps: MessageVerifierDeps) {
    this.localSlots = pLimit(deps.localChecks?.concurrency ?? LOCAL_CHECK_CONCURRENCY);
    this.localBacklog = deps.localChecks?.backlog ?? LOCAL_CHECK_BACKLOG;
    this.localWaitLimitMs = deps.localChecks?.waitLimitMs ?? LOCAL_WAIT_LIMIT_MS;
    const holdMs = longestCheckMs(deps.instances) + CLAIM_MARGIN_MS;
    this.localHoldMs = this.localWaitLimitMs + holdMs;
    this.claimer = new GroupCommit((jobs) => claimMessages(deps.db, jobs, holdMs));
    // One verdict statement at a time: the next takes every verdict that came in meanwhile. Against
    // two in flight: batches of about 21 instead of 13, and a fifth less PostgreSQL CPU per PayPal
    // IPN, CPU that the ingest statement needs on the same cores (docs/performance.md, section 16).
    this.recorder = new GroupCommit((items) => recordVerifiedBatch(deps.db, items), { maxInFlight: 1 });
    const firstDeliveries = new FirstDeliveries(deps.dispatcher, deps.offerLocally ?? null);
    this.deliver = (deliveries) => firstDeliveries.add(deliveries);
    this.settleDeps = {
      db: deps.db,
      metrics: deps.metrics,
      alerts: deps.alerts,
      record: (item) => this.recorder.submit(item),
      deliver: this.deliver,
    };
  }

  /**
   * A group of first checks: each message as its own job would be (the claim and the recorder share
   * statements among them). One failure does not stop the others; the job then fails, and the
   * failed message, still pending, is found again by the reconciler.
   */
  async handleBatch(job: VerifyBatchJob, jobId?: string): Promise<void> {
    const results = await Promise.allSettled(
      job.messageIds.map((messageId) => this.handle({ messageId, attempt: job.attempt }, jobId)),
    );
    const failed = results.filter((result) => result.status === 'rejected');
    if (failed.length > 0) {
      throw new Error(
        `${failed.length} of ${job.messageIds.length} checks failed; first: ${String(failed[0]?.reason)}`,
      );
    }
  }

  /**
   * Handles one verify job; safe to run twice for the same attempt: the second finds the message
   * settled, moved on, or held by the first, and does nothing.
   */
  async handle(job: VerifyJob, jobId?: string): Promise<void> {
    const message = await this.claimer.submit(job);
    if (!message) return;
    await this.check(message, job, jobId);
  }

  /**
   * First checks of messages this process just stored (ROLE=all), run here without a job: the
   * message is already in memory and pending. Returns the messages it did not take (its backlog
   * is full, or it is closing), which the caller enqueues. A process that dies meanwhile leaves them
   * pending; the reconciler enqueues them once `localHoldMs` has passed, as after a Redis loss.
   */
  offer(records: readonly InboundRecord[]): InboundRecord[] {
    const rest: InboundRecord[] = [];
    for (const record of records) {
      if (this.closed || this.waiting.size >= this.localBacklog) {
        rest.push(record);
        continue;
      }
      this.waiting.add(record.id);
      const offeredAt = performance.now();
      const message: PendingMessage = {
        id: record.id,
        provider: record.provider,
        account: record.account,
        kind: record.kind,
        status: 'pending',
        headers: record.headers,
        raw_body: record.rawBody,
        received_at: record.receivedAt,
        verify_attempts: 0,
      };
      const work = this.localSlots(async () => {
        if (!this.waiting.delete(record.id)) return;
        if (performance.now() - offeredAt > this.localWaitLimitMs) {
          this.deps.dispatcher.enqueue([verifyJob(record.id, 0)]);
          return;
        }
        await this.check(message, { messageId: record.id, attempt: 0 });
      }).catch((error) =>
        this.deps.logger.error(
          { err: error, messageId: record.id },
          'check failed; the message stays pending and the reconciler will retry it',
        ),
      );
      this.inFlight.add(work);
      void work.finally(() => this.inFlight.delete(work));
    }
    return rest;
  }

  /**
   * Stops taking local checks, enqueues those not started (as first-check jobs), and waits up to
   * `graceMs` for those started.
   */
  async close(graceMs: number): Promise<void> {
    this.closed = true;
    const notStarted = [...this.waiting];
    this.waiting.clear();
    if (notStarted.length > 0) this.deps.dispatcher.enqueue(notStarted.map((id) => verifyJob(id, 0)));
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise((resolve) => setTimeout(resolve, graceMs).unref()),
    ]);
  }

  private async check(message: PendingMessage, job: VerifyJob, jobId?: string): Promise<void> {
    const { logger } = this.deps;

    const receivedAt = new Date(message.received_at);
    const instance = findInstance(this.deps.instances, message.provider, message.account);
    const verifier = instance?.verifier;
    if (!verifier) {
      const detail = `${message.provider} account ${message.account} is not configured to check this message`;
      await this.scheduleRetry(message, job.attempt + 1, UNCONFIGURED_RETRY_MS, null, detail);
      return;
    }
    const rawBody = Buffer.isBuffer(message.raw_body) ? message.raw_body : Buffer.from(message.raw_body);
    const result = await runCheck(
      verifier,
      { kind: message.kind, account: message.account, headers: message.headers, rawBody, receivedAt },
      this.deps.network,
    );
    if (result.step === 'retry') {
      this.count(message.provider, 'retry');
      const delay = retryDelay(verifier.retryScheduleMs, job.attempt);
      const giveUpAt = receivedAt.getTime() + verifier.giveUpAfterMs;
      await this.scheduleRetry(message, job.attempt + 1, delay, giveUpAt, result.reason);
      return;
    }
    // Not a child logger: pino serializes a child's bindings when it is made, logged or not.
    const bindings = { jobId, messageId: message.id, attempt: job.attempt + 1 };
    const log: VerdictLog = {
      warn: (fields, text) => logger.warn({ ...bindings, ...fields }, text),
      info: (fields, text) => {
        if (logger.isLevelEnabled('info')) logger.info({ ...bindings, ...fields }, text);
      },
    };
    await settleCheck(this.settleDeps, { ...message, receivedAt }, result, log);
  }

  private count(provider: string, result: string) {
    this.deps.metrics?.verifications.inc({ provider, result });
  }

  private async scheduleRetry(
    message: { id: string; provider: string; account: string },
    attempts: number,
    delay: number,
    giveUpAt: number | null,
    detail: string,
  ) {
    const { db, logger } = this.deps;
    const messageId = message.id;
    const nextAt = new Date(Date.now() + delay);
    if (giveUpAt !== null && nextAt.getTime() > giveUpAt) {
      logger.error({ messageId, detail }, 'out-of-band check gave no verdict in time; giving up');
      const reason = `no verification verdict in time; last: ${detail}`;
      await settleWithoutEvent(db, messageId, 'rejected', reason);
      await alertUnverified(this.deps, message, reason);
      return;
    }
    logger.warn(
      { messageId, attempts, retryInMs: delay, detail },
      'out-of-band check gave no verdict; will retry',
    );
    await scheduleVerifyRetry(db, messageId, attempts, nextAt, detail);
    this.deps.dispatcher.enqueue([verifyJob(messageId, attempts, delay)]);
  }
}

/** Where settleCheck reports, with the job's identifiers already attached. */
export interface VerdictLog {
  warn(fields: Record<string, unknown>, text: string): void;
  info(fields: Record<string, unknown>, text: string): void;
}

/** Stores a final verdict for a pending message: its event (and deliveries), or why there is none. */
export async function settleCheck(
  deps: Pick<MessageVerifierDeps, 'db' | 'metrics' | 'alerts'> & {
    /** Stores the event of a genuine message (the verifier batches these); null: no longer pending. */
    record(item: VerifiedItem): Promise<StoreResult | null>;
    /** Enqueues the first attempts of the event's deliveries. */
    deliver(deliveries: StoreResult['deliveries']): void;
  },
  message: { id: string; provider: string; account: string; kind: string; receivedAt: Date },
  result: Exclude<CheckResult, { step: 'retry' }>,
  log: VerdictLog,
): Promise<void> {
  const count = (outcome: string) =>
    deps.metrics?.verifications.inc({ provider: message.provider, result: outcome });
  if (result.step === 'invalid') {
    count('invalid');
    log.warn({ reason: result.reason }, 'message failed its check: not forwarded');
    await settleWithoutEvent(deps.db, message.id, 'invalid', result.reason);
    return;
  }
  const { decision } = result;
  if (decision.outcome === 'rejected') {
    count('rejected');
    log.warn({ reason: decision.reason }, 'verified message rejected');
    await settleWithoutEvent(deps.db, message.id, 'rejected', decision.reason);
    await alertUnverified(deps, message, decision.reason);
    return;
  }
  count('verified');
  const event = buildNewEvent(decision.idempotencyKey, decision.event, message, message.receivedAt);
  const stored = await deps.record({ message, event });
  if (!stored) {
    // Another check of the same message settled it first; it already has its outcome.
    log.info({}, 'message already settled by another check');
    return;
  }
  log.info({ status: stored.status, eventId: stored.eventId }, 'message verified');
  deps.deliver(stored.deliveries);
}
