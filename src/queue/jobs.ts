// The job catalog: queue names, payloads and deterministic ids. Payloads carry row ids only;
// handlers re-read PostgreSQL, which stays the source of truth.
//
// Deliveries have one queue per subscriber, so a slow subscriber's backlog and its worker slots
// are its own. The name is wrapped in a Redis Cluster hash tag: every key of one queue lands in
// one slot (BullMQ's scripts need that), while different subscribers spread over the cluster.
import type { JobsOptions } from 'bullmq';
import { z } from 'zod';

// Out-of-band checks of any provider's messages (postbacks, certificate fetches).
export const VERIFY_QUEUE = 'verify';

/** The BullMQ queue of one subscriber's deliveries. */
export function deliveryQueueName(subscriberId: string): string {
  return `{delivery-${subscriberId}}`;
}

export const verifyJobSchema = z.object({ messageId: z.string(), attempt: z.number().int().min(0) });
export type VerifyJob = z.infer<typeof verifyJobSchema>;

export const deliveryJobSchema = z.object({
  deliveryId: z.string(),
  /** attempt_count the delivery had when the job was made: a stale job finds it moved on and stops. */
  attempt: z.number().int().min(0),
  trigger: z.enum(['scheduled', 'manual']),
});
export type DeliveryJob = z.infer<typeof deliveryJobSchema>;

/** Deliveries created together go to a subscriber's queue as one job for their first attempts. */
export const MAX_DELIVERIES_PER_JOB = 16;

export const deliveryBatchJobSchema = z.object({
  deliveryIds: z.array(z.string()).min(1).max(MAX_DELIVERIES_PER_JOB),
});
export type DeliveryBatchJob = z.infer<typeof deliveryBatchJobSchema>;

export interface QueuedJob<T> {
  /** The BullMQ queue it goes to. */
  queue: string;
  name: string;
  data: T;
  opts: JobsOptions;
}

// Failed jobs are removed too: a job id must be reusable by the reconciler.
const BASE_OPTIONS: JobsOptions = { removeOnComplete: true, removeOnFail: true, attempts: 1 };

export function verifyJob(messageId: string, attempt: number, delayMs = 0): QueuedJob<VerifyJob> {
  return {
    queue: VERIFY_QUEUE,
    name: 'verify',
    data: { messageId, attempt },
    opts: { ...BASE_OPTIONS, jobId: `${messageId}-v${attempt}`, delay: Math.max(0, delayMs) },
  };
}

export interface DeliveryRef {
  id: string;
  subscriberId: string;
}

/**
 * The job for one attempt of a delivery. Scheduled attempts have one id per attempt number, so
 * re-adding one (the reconciler does) is a no-op; `wake` jobs (manual retries, an ordered
 * delivery whose predecessor finished) get a fresh id, as the first one may still be queued.
 */
export function deliveryJob(
  delivery: DeliveryRef,
  attempt: number,
  trigger: DeliveryJob['trigger'],
  delayMs = 0,
  wake = trigger === 'manual',
): QueuedJob<DeliveryJob> {
  const suffix = wake ? `w${Date.now()}${Math.random().toString(36).slice(2, 6)}` : `a${attempt}`;
  return {
    queue: deliveryQueueName(delivery.subscriberId),
    name: 'deliver',
    data: { deliveryId: delivery.id, attempt, trigger },
    opts: { ...BASE_OPTIONS, jobId: `${delivery.id}-${suffix}`, delay: Math.max(0, delayMs) },
  };
}

/** A first attempt as a job's payload. */
export const firstAttempt = (deliveryId: string): DeliveryJob => ({
  deliveryId,
  attempt: 0,
  trigger: 'scheduled',
});

/** Single first-attempt jobs, with the ids the reconciler would use. */
export function firstAttemptJobs(
  subscriberId: string,
  deliveryIds: readonly string[],
): QueuedJob<DeliveryJob>[] {
  return deliveryIds.map((id) => deliveryJob({ id, subscriberId }, 0, 'scheduled'));
}

/**
 * The first attempts of one subscriber's deliveries created together. A group of one is the
 * plain first-attempt job, so its id is the one the reconciler would use. The batch's id is its
 * first delivery's; the reconciler's single jobs for the same deliveries may run too, and the
 * claim lets only one attempt happen.
 */
export function firstDeliveriesJob(
  subscriberId: string,
  deliveryIds: string[],
): QueuedJob<DeliveryBatchJob> | QueuedJob<DeliveryJob> {
  const [first] = deliveryIds;
  if (first === undefined) throw new Error('a delivery batch needs at least one delivery');
  if (deliveryIds.length === 1) return deliveryJob({ id: first, subscriberId }, 0, 'scheduled');
  return {
    queue: deliveryQueueName(subscriberId),
    name: 'deliver-batch',
    data: { deliveryIds },
    opts: { ...BASE_OPTIONS, jobId: `${first}-b0` },
  };
}
