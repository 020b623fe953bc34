// ROLE worker (or all): out-of-band checks of provider messages, deliveries (one lane per
// subscriber), the reconciler that finds lost jobs, subscriber health, and operational alerts.
import { z } from 'zod';
import { AlertSender } from '../alerts/alert-sender';
import { DeliveryWorker, observeAttempt } from '../delivery/delivery-worker';
import { HttpSender } from '../delivery/http-sender';
import { releaseClaims } from '../delivery/preclaim';
import { SubscriberLanes } from '../delivery/subscriber-lanes';
import { VERIFY_QUEUE, verifyJobSchema } from '../queue/jobs';
import { Reconciler } from '../queue/reconciler';
import { defineWorker, startWorkers, type WorkerSpec } from '../queue/workers';
import { HealthMonitor } from '../subscribers/health-monitor';
import { verifyBatchJobSchema } from '../verify/first-checks';
import { MessageVerifier } from '../verify/message-verifier';
import { MAX_REQUESTS_PER_CHECK } from '../verify/run-check';
import { bounded, type GatewayContext, SHUTDOWN_STEP_MS } from './context';

const LEASE_MARGIN_MS = 5_000;
const VERIFY_CONCURRENCY = 16;
// The verify queue carries single checks (retries, the reconciler) and groups of first checks.
const verifyQueueJobSchema = z.union([verifyBatchJobSchema, verifyJobSchema]);

/**
 * A claimed delivery's lease (and BullMQ's lock on its job): twice the HTTP timeout plus 10 s.
 * An attempt takes at most the timeout (the request never waits for a connection), and its
 * record milliseconds, so the lease cannot run out while an attempt is in flight or being
 * recorded unless the process stalls for longer than the timeout plus 10 s; even then the late
 * record is refused (claim token), so an attempt is never recorded twice. A worker that died
 * holding a lease delays its delivery by about this long.
 */
export function deliveryLeaseMs(timeoutMs: number): number {
  return 2 * timeoutMs + 10_000;
}

export interface WorkerRole {
  reconciler: Reconciler;
  lanes: SubscriberLanes;
  /** Null when no provider checks messages out of band. */
  verifier: MessageVerifier | null;
  health: HealthMonitor;
  /** Stops taking jobs, lets attempts in flight finish (bounded), closes connections. */
  close(): Promise<void>;
}

// A check may send a few requests, each bounded by its provider's timeout.
function verifyLockMs(context: GatewayContext): number {
  const longest = Math.max(0, ...context.providers.map((provider) => provider.verifier?.timeoutMs ?? 0));
  return longest * MAX_REQUESTS_PER_CHECK + LEASE_MARGIN_MS;
}

/** The verifier, when some provider checks messages out of band. */
function createVerifier(context: GatewayContext, lanes: SubscriberLanes): MessageVerifier | null {
  const { db, logger, dispatcher, metrics, network } = context;
  if (!context.providers.some((provider) => provider.verifier)) return null;
  return new MessageVerifier({
    db,
    logger,
    dispatcher,
    instances: context.providers,
    network,
    metrics,
    alerts: context.config.alerts !== null,
    offerLocally: (deliveries) => lanes.offer(deliveries),
  });
}

function verifySpec(context: GatewayContext, verifier: MessageVerifier): WorkerSpec<unknown> {
  return defineWorker({
    queue: VERIFY_QUEUE,
    concurrency: VERIFY_CONCURRENCY,
    lockDurationMs: verifyLockMs(context),
    parse: (data) => verifyQueueJobSchema.parse(data),
    handle: (job, bullJob) =>
      'messageIds' in job ? verifier.handleBatch(job, bullJob.id) : verifier.handle(job, bullJob.id),
  });
}

export async function startWorkerRole(context: GatewayContext): Promise<WorkerRole> {
  const { config, db, logger, dispatcher, metrics } = context;
  const sender = new HttpSender(config.delivery.concurrency);
  const leaseMs = deliveryLeaseMs(config.delivery.timeoutMs);
  const deliveryWorker = new DeliveryWorker({
    db,
    logger,
    dispatcher,
    sender,
    secrets: context.secrets,
    timeoutMs: config.delivery.timeoutMs,
    retryScheduleMs: config.delivery.retryScheduleMs,
    leaseMs,
    alerts: config.alerts !== null,
    onAttempt: (attempt, delivery) => observeAttempt(metrics, attempt, delivery),
  });
  const lanes = new SubscriberLanes({
    db,
    redisUrl: context.redisUrl,
    prefix: config.queuePrefix,
    logger,
    concurrency: config.delivery.concurrency,
    lockDurationMs: leaseMs,
    handle: (job, pool, jobId) => deliveryWorker.handle(job, pool, jobId),
    attempt: (delivery, pool) => deliveryWorker.attempt(delivery, 'scheduled', pool),
    release: (claims) => releaseClaims(db, claims),
    enqueue: (jobs) => dispatcher.enqueue(jobs),
  });
  await lanes.start();
  const verifier = createVerifier(context, lanes);
  const specs = verifier ? [verifySpec(context, verifier)] : [];
  const pool = startWorkers(context.redisUrl, config.queuePrefix, specs, logger);
  const reconciler = new Reconciler({
    db,
    dispatcher,
    logger,
    intervalMs: config.reconcileIntervalMs,
    overdueAfterMs: config.reconcileIntervalMs,
  });
  reconciler.start();
  const health = new HealthMonitor({
    db,
    logger,
    disableAfterMs: config.subscriberDisableAfterMs,
    providerSilenceMs: config.providerSilenceAlertMs,
    providers: context.providers.map(({ provider, account }) => ({ provider, account })),
    alerts: config.alerts !== null,
  });
  health.start();
  const alertSender = config.alerts
    ? new AlertSender({
        db,
        logger,
        url: config.alerts.url,
        secret: config.alerts.secret,
        timeoutMs: config.delivery.timeoutMs,
        retryScheduleMs: config.delivery.retryScheduleMs,
      })
    : null;
  alertSender?.start();
  return {
    reconciler,
    lanes,
    verifier,
    health,
    async close() {
      await bounded(reconciler.stop(), SHUTDOWN_STEP_MS);
      await bounded(health.stop(), SHUTDOWN_STEP_MS);
      await bounded(alertSender?.stop(), SHUTDOWN_STEP_MS);
      const grace = config.delivery.timeoutMs + SHUTDOWN_STEP_MS;
      await Promise.all([lanes.close(grace), pool.close(grace), verifier?.close(grace)]);
      await bounded(sender.close(), SHUTDOWN_STEP_MS);
    },
  };
}
