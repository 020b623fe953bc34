// The first check of messages stored together goes to the verify queue as one job per group,
// not one job per message (see per-tick-groups.ts); the PayPal ingest profile showed BullMQ's
// per-job commands as a large share of Redis and Node time.
// Retries stay one job per message (verifyJob), and so do the reconciler's re-enqueues.
import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { JobDispatcher } from '../queue/dispatcher';
import { type QueuedJob, VERIFY_QUEUE } from '../queue/jobs';
import { PerTickGroups } from '../queue/per-tick-groups';

/** Messages checked by one job: enough to share statements, few enough to bound work in flight. */
export const MAX_MESSAGES_PER_JOB = 16;

export const verifyBatchJobSchema = z.object({
  messageIds: z.array(z.string()).min(1).max(MAX_MESSAGES_PER_JOB),
  attempt: z.number().int().min(0),
});
export type VerifyBatchJob = z.infer<typeof verifyBatchJobSchema>;

// As every other job: removed when done, so its id can be used again; the first message's id
// makes it unique and deterministic.
const OPTIONS: JobsOptions = { removeOnComplete: true, removeOnFail: true, attempts: 1 };

export function verifyBatchJob(messageIds: string[], attempt: number): QueuedJob<VerifyBatchJob> {
  return {
    queue: VERIFY_QUEUE,
    name: 'verify-batch',
    data: { messageIds, attempt },
    opts: { ...OPTIONS, jobId: `${messageIds[0]}-vb${attempt}` },
  };
}

/** Collects the first checks asked for in one tick and enqueues them in groups. */
export class FirstChecks {
  private readonly groups: PerTickGroups;

  constructor(dispatcher: JobDispatcher) {
    this.groups = new PerTickGroups(MAX_MESSAGES_PER_JOB, (groups) =>
      dispatcher.enqueue(groups.map((group) => verifyBatchJob(group.ids, 0))),
    );
  }

  add(messageId: string): void {
    this.groups.add(VERIFY_QUEUE, messageId);
  }
}
