// The first check of messages stored together goes to the verify queue as one job per group,
// not one job per message (see per-tick-groups.ts); the PayPal ingest profile showed BullMQ's
// per-job commands as a large share of Redis and Node time.
// Retries stay one job per message (verifyJob), and so do the reconciler's re-enqueues.
// In a ROLE=all process the first checks run in the process's own verifier, without a job.
import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { InboundRecord } from '../ingest/message-store';
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

/** Runs first checks in this process's verifier; returns the messages left to enqueue. */
export type CheckLocally = (messages: readonly InboundRecord[]) => InboundRecord[];

/**
 * Collects the first checks asked for in one tick and enqueues them in groups. With the verify
 * worker in the same process (ROLE=all), `checkLocally` takes them first, in memory.
 */
export class FirstChecks {
  private readonly groups: PerTickGroups;

  constructor(
    dispatcher: JobDispatcher,
    private readonly checkLocally: CheckLocally | null = null,
  ) {
    this.groups = new PerTickGroups(MAX_MESSAGES_PER_JOB, (groups) =>
      dispatcher.enqueue(groups.map((group) => verifyBatchJob(group.ids, 0))),
    );
  }

  add(message: InboundRecord): void {
    const rest = this.checkLocally ? this.checkLocally([message]) : [message];
    for (const left of rest) this.groups.add(VERIFY_QUEUE, left.id);
  }
}
