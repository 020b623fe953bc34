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
