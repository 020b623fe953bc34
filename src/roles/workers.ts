// ROLE worker (or all): out-of-band checks of provider messages, deliveries, and the reconciler that finds lost jobs.
import { z } from 'zod';
import { DeliveryWorker, observeAttempt } from '../delivery/delivery-worker';
import { HttpSender } from '../delivery/http-sender';
import { deliveryQueueJobSchema, verifyJobSchema } from '../queue/jobs';
import { Reconciler } from '../queue/reconciler';
import { defineWorker, startWorkers, type WorkerSpec } from '../queue/workers';
import { verifyBatchJobSchema } from '../verify/first-checks';
import { MessageVerifier } from '../verify/message-verifier';
import { MAX_REQUESTS_PER_CHECK } from '../verify/run-check';
import { bounded, type GatewayContext, SHUTDOWN_STEP_MS } from './context';

// A claimed delivery's lease (and BullMQ's job lock) outlasts the HTTP timeout by this much.
const LEASE_MARGIN_MS = 5_000;
const VERIFY_CONCURRENCY = 16;
// The verify queue carries single checks (retries, the reconciler) and groups of first checks.
const verifyQueueJobSchema = z.union([verifyBatchJobSchema, verifyJobSchema]);

export interface WorkerRole {
  reconciler: Reconciler;
  /** Stops taking jobs, lets attempts in flight finish (bounded), closes connections. */
  close(): Promise<void>;
}

// A check may send a few requests, each bounded by its provider's timeout.
function verifyLockMs(context: GatewayContext): number {
  const longest = Math.max(0, ...context.providers.map((provider) => provider.verifier?.timeoutMs ?? 0));
  return longest * MAX_REQUESTS_PER_CHECK + LEASE_MARGIN_MS;
}

/** One worker for every provider that checks messages out of band; none when no provider does. */
function verifySpec(context: GatewayContext): WorkerSpec<unknown> | null {
  const { db, logger, dispatcher, metrics, network } = context;
  if (!context.providers.some((provider) => provider.verifier)) return null;
  const verifier = new MessageVerifier({
    db,
    logger,
    dispatcher,
    instances: context.providers,
    network,
    metrics,
  });
  return defineWorker({
    queue: 'verify',
    concurrency: VERIFY_CONCURRENCY,
    lockDurationMs: verifyLockMs(context),
    parse: (data) => verifyQueueJobSchema.parse(data),
    handle: (job, bullJob) =>
      'messageIds' in job ? verifier.handleBatch(job, bullJob.id) : verifier.handle(job, bullJob.id),
  });
}

export function startWorkerRole(context: GatewayContext): WorkerRole {
  const { config, db, logger, dispatcher, metrics } = context;
  const sender = new HttpSender(config.delivery.concurrency);
  const deliveryWorker = new DeliveryWorker({
    db,
    logger,
    dispatcher,
    sender,
    timeoutMs: config.delivery.timeoutMs,
    retryScheduleMs: config.delivery.retryScheduleMs,
    leaseMs: config.delivery.timeoutMs + LEASE_MARGIN_MS,
    onAttempt: (attempt, delivery) => observeAttempt(metrics, attempt, delivery),
  });
  const deliverySpec = defineWorker({
    queue: 'delivery',
    concurrency: config.delivery.concurrency,
    lockDurationMs: config.delivery.timeoutMs + LEASE_MARGIN_MS,
    parse: (data) => deliveryQueueJobSchema.parse(data),
    handle: (job, bullJob) =>
      'eventId' in job ? deliveryWorker.handleEvent(job, bullJob.id) : deliveryWorker.handle(job, bullJob.id),
  });
  const specs = [verifySpec(context), deliverySpec].filter((spec) => spec !== null);
  const pool = startWorkers(context.redisUrl, config.queuePrefix, specs, logger);
  const reconciler = new Reconciler({
    db,
    dispatcher,
    logger,
    intervalMs: config.reconcileIntervalMs,
    overdueAfterMs: config.reconcileIntervalMs,
  });
  reconciler.start();
  return {
    reconciler,
    async close() {
      await bounded(reconciler.stop(), SHUTDOWN_STEP_MS);
      await pool.close(config.delivery.timeoutMs + SHUTDOWN_STEP_MS);
      await bounded(sender.close(), SHUTDOWN_STEP_MS);
    },
  };
}
