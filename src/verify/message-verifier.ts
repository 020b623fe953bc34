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
import { type CheckResult, runCheck } from './run-check';

// Used when the message's provider or account is no longer configured: it waits, it is not lost.
const UNCONFIGURED_RETRY_MS = 5 * 60_000;
// Local first checks (see offer): as many at once as the verify worker's jobs could hold, and a
// bounded backlog in memory; past it they go through the queue.
const LOCAL_CHECK_CONCURRENCY = 256;
const LOCAL_CHECK_BACKLOG = 1000;

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
  /** Local first checks at once, and waiting at most (defaults: LOCAL_CHECK_*). */
  localChecks?: { concurrency: number; backlog: number };
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

const LOAD_MESSAGES = `
  select id, provider, account, kind, status, headers, raw_body, received_at, verify_attempts
  from inbound_messages where id = any($1::text[])`;

/** One statement for the messages of every job that started in the same tick (group read). */
async function loadMessages(db: DbHandle, ids: string[]): Promise<Array<PendingMessage | undefined>> {
  const rows = await db.query<PendingMessage>(LOAD_MESSAGES, [ids]);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id));
}

export class MessageVerifier {
  // The worker runs many jobs at once; the profile showed one SELECT per job among its costs.
  private readonly loader: GroupCommit<string, PendingMessage | undefined>;
  // ...and one statement per verdict, for the events of the jobs that finish together.
  private readonly recorder: GroupCommit<VerifiedItem, StoreResult | null>;
  private readonly deliver: (deliveries: StoreResult['deliveries']) => void;
  private readonly localSlots: LimitFunction;
  private readonly localBacklog: number;
  private readonly inFlight = new Set<Promise<void>>();
  /** Local first checks not started yet. */
  private readonly waiting = new Set<string>();
  private closed = false;

  constructor(private readonly deps: MessageVerifierDeps) {
    this.localSlots = pLimit(deps.localChecks?.concurrency ?? LOCAL_CHECK_CONCURRENCY);
    this.localBacklog = deps.localChecks?.backlog ?? LOCAL_CHECK_BACKLOG;
    this.loader = new GroupCommit((ids) => loadMessages(deps.db, ids));
    this.recorder = new GroupCommit((items) => recordVerifiedBatch(deps.db, items));
    const firstDeliveries = new FirstDeliveries(deps.dispatcher, deps.offerLocally ?? null);
    this.deliver = (deliveries) => firstDeliveries.add(deliveries);
  }

  /**
   * A group of first checks: each message as its own job would be (the loader and recorder share
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

  /** Handles one verify job; safe to run twice for the same attempt (the second finds nothing to do). */
  async handle(job: VerifyJob, jobId?: string): Promise<void> {
    const message = await this.loader.submit(job.messageId);
    if (message?.status !== 'pending' || message.verify_attempts !== job.attempt) return;
    await this.check(message, job, jobId);
  }

  /**
   * First checks of messages this process just stored (ROLE=all), run here without a job: the
   * message is already in memory and pending. Returns the messages it did not take (its backlog
   * is full, or it is closing), which the caller enqueues. A process that dies meanwhile leaves them
   * pending; the reconciler enqueues them, as after a Redis loss.
   */
  offer(records: readonly InboundRecord[]): InboundRecord[] {
    const rest: InboundRecord[] = [];
    for (const record of records) {
      if (this.closed || this.waiting.size >= this.localBacklog) {
        rest.push(record);
        continue;
      }
      this.waiting.add(record.id);
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
    const record = (item: VerifiedItem) => this.recorder.submit(item);
    await settleCheck(
      { ...this.deps, record, deliver: this.deliver },
      { ...message, receivedAt },
      result,
      log,
    );
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
