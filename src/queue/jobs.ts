// The job catalog: queue names, payloads and deterministic ids. Payloads carry row ids only;
// handlers re-read PostgreSQL, which stays the source of truth.
import type { JobsOptions } from 'bullmq';
import { z } from 'zod';

export const QUEUE_NAMES = {
  // Out-of-band checks of any provider (postbacks, certificate fetches).
  verify: 'verify',
  delivery: 'delivery',
} as const;

export type QueueKey = keyof typeof QUEUE_NAMES;

export const verifyJobSchema = z.object({ messageId: z.string(), attempt: z.number().int().min(0) });
export type VerifyJob = z.infer<typeof verifyJobSchema>;

export const deliveryJobSchema = z.object({
  deliveryId: z.string(),
  /** attempt_count the delivery had when the job was made: a stale job finds it moved on and stops. */
  attempt: z.number().int().min(0),
  trigger: z.enum(['scheduled', 'manual']),
});
export type DeliveryJob = z.infer<typeof deliveryJobSchema>;

/** The first attempt of all of an event's deliveries, as one job. */
export const eventDeliveryJobSchema = z.object({ eventId: z.string() });
export type EventDeliveryJob = z.infer<typeof eventDeliveryJobSchema>;

/** The delivery queue carries both kinds of job. */
export const deliveryQueueJobSchema = z.union([eventDeliveryJobSchema, deliveryJobSchema]);

export interface QueuedJob<T> {
  name: string;
  data: T;
  opts: JobsOptions;
}

// Failed jobs are removed too: a job id must be reusable by the reconciler.
const BASE_OPTIONS: JobsOptions = { removeOnComplete: true, removeOnFail: true, attempts: 1 };

export function verifyJob(messageId: string, attempt: number, delayMs = 0): QueuedJob<VerifyJob> {
  return {
    name: 'verify',
    data: { messageId, attempt },
    opts: { ...BASE_OPTIONS, jobId: `${messageId}-v${attempt}`, delay: Math.max(0, delayMs) },
  };
}

export function deliveryJob(
  deliveryId: string,
  attempt: number,
  trigger: DeliveryJob['trigger'],
  delayMs = 0,
): QueuedJob<DeliveryJob> {
  const suffix = trigger === 'manual' ? `m${Date.now()}` : `a${attempt}`;
  return {
    name: 'deliver',
    data: { deliveryId, attempt, trigger },
    opts: { ...BASE_OPTIONS, jobId: `${deliveryId}-${suffix}`, delay: Math.max(0, delayMs) },
  };
}

export function eventDeliveryJob(eventId: string): QueuedJob<EventDeliveryJob> {
  return { name: 'deliver-event', data: { eventId }, opts: { ...BASE_OPTIONS, jobId: `${eventId}-first` } };
}
