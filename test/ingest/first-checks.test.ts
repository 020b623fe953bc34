// First checks of messages stored in the same tick go to the verify queue as grouped jobs,
// at most MAX_MESSAGES_PER_JOB messages each, with deterministic ids.
import { describe, expect, it } from 'vitest';
import type { JobDispatcher } from '../../src/queue/dispatcher';
import type { QueuedJob } from '../../src/queue/jobs';
import { FirstChecks, MAX_MESSAGES_PER_JOB, verifyBatchJobSchema } from '../../src/verify/first-checks';
import { inboundRecord } from '../support/messages';

function recordingDispatcher() {
  const enqueued: Array<{ jobs: QueuedJob<unknown>[] }> = [];
  const dispatcher = { enqueue: (jobs: QueuedJob<unknown>[]) => enqueued.push({ jobs }) };
  return { enqueued, dispatcher: dispatcher as unknown as JobDispatcher };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

const message = (id: string) => inboundRecord(id);

describe('FirstChecks', () => {
  it('groups the checks of one tick into jobs of at most MAX_MESSAGES_PER_JOB messages', async () => {
    const { enqueued, dispatcher } = recordingDispatcher();
    const checks = new FirstChecks(dispatcher);
    const ids = Array.from({ length: MAX_MESSAGES_PER_JOB + 3 }, (_, index) => `msg_${index}`);
    for (const id of ids) checks.add(message(id));
    expect(enqueued).toHaveLength(0);
    await tick();

    expect(enqueued).toHaveLength(1);
    const [call] = enqueued;
    expect(call?.jobs.every((job) => job.queue === 'verify')).toBe(true);
    const data = call?.jobs.map((job) => verifyBatchJobSchema.parse(job.data));
    expect(data?.map((job) => job.messageIds)).toEqual([
      ids.slice(0, MAX_MESSAGES_PER_JOB),
      ids.slice(MAX_MESSAGES_PER_JOB),
    ]);
    expect(data?.every((job) => job.attempt === 0)).toBe(true);
    expect(call?.jobs.map((job) => job.opts.jobId)).toEqual(['msg_0-vb0', `msg_${MAX_MESSAGES_PER_JOB}-vb0`]);
  });

  it('starts a new group in the next tick', async () => {
    const { enqueued, dispatcher } = recordingDispatcher();
    const checks = new FirstChecks(dispatcher);
    checks.add(message('msg_a'));
    await tick();
    checks.add(message('msg_b'));
    await tick();
    expect(enqueued.map((call) => call.jobs.map((job) => job.opts.jobId))).toEqual([
      ['msg_a-vb0'],
      ['msg_b-vb0'],
    ]);
  });

  it('runs them in the process when it can, and enqueues only what it hands back', async () => {
    const { enqueued, dispatcher } = recordingDispatcher();
    const taken: string[] = [];
    // Takes one, hands back the rest (its backlog is full).
    const checks = new FirstChecks(dispatcher, (messages) => {
      if (taken.length > 0) return [...messages];
      taken.push(...messages.map((m) => m.id));
      return [];
    });
    checks.add(message('msg_local'));
    checks.add(message('msg_queued'));
    await tick();
    expect(taken).toEqual(['msg_local']);
    expect(enqueued.map((call) => call.jobs.map((job) => job.opts.jobId))).toEqual([['msg_queued-vb0']]);
  });
});
