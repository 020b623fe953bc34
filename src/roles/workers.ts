// ROLE worker (or all): PayPal postbacks, deliveries, and the reconciler that finds lost jobs.
import { DeliveryWorker, observeAttempt } from '../delivery/delivery-worker';
import { HttpSender } from '../delivery/http-sender';
import { deliveryQueueJobSchema, verifyJobSchema } from '../queue/jobs';
import { Reconciler } from '../queue/reconciler';
import { defineWorker, startWorkers, type WorkerSpec } from '../queue/workers';
import { PaypalVerifier } from '../verify/paypal-verifier';
import { bounded, type GatewayContext, SHUTDOWN_STEP_MS } from './context';

// A claimed delivery's lease (and BullMQ's job lock) outlasts the HTTP timeout by this much.
const LEASE_MARGIN_MS = 5_000;
const VERIFY_CONCURRENCY = 16;

export interface WorkerRole {
  reconciler: Reconciler;
  /** Stops taking jobs, lets attempts in flight finish (bounded), closes connections. */
  close(): Promise<void>;
}

function verifySpec(context: GatewayContext): WorkerSpec<unknown> | null {
  const { config, db, logger, dispatcher, metrics } = context;
  const paypal = context.providers.find((provider) => provider.deferredVerifier);
  if (!paypal?.deferredVerifier) return null;
  const verifier = new PaypalVerifier({
    db,
    logger,
    dispatcher,
    providerId: paypal.id,
    verifier: paypal.deferredVerifier,
    timeoutMs: config.paypal.verifyTimeoutMs,
    retryScheduleMs: config.paypal.verifyRetryScheduleMs,
    metrics,
  });
  return defineWorker({
    queue: 'verify',
    concurrency: VERIFY_CONCURRENCY,
    lockDurationMs: config.paypal.verifyTimeoutMs + LEASE_MARGIN_MS,
    parse: (data) => verifyJobSchema.parse(data),
    handle: (job, bullJob) => verifier.handle(job, bullJob.id),
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
    secrets: context.secrets,
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
