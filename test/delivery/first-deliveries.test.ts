// First attempts of deliveries stored in the same tick go to each subscriber's queue as grouped
// jobs (at most MAX_DELIVERIES_PER_JOB deliveries each); a group of one is the plain job.
import { describe, expect, it } from 'vitest';
import { FirstDeliveries } from '../../src/delivery/first-deliveries';
import type { JobDispatcher } from '../../src/queue/dispatcher';
import {
  deliveryBatchJobSchema,
  deliveryJobSchema,
  deliveryQueueName,
  MAX_DELIVERIES_PER_JOB,
  type QueuedJob,
} from '../../src/queue/jobs';

function recordingDispatcher() {
  const enqueued: QueuedJob<unknown>[][] = [];
  const dispatcher = { enqueue: (jobs: QueuedJob<unknown>[]) => enqueued.push(jobs) };
  return { enqueued, dispatcher: dispatcher as unknown as JobDispatcher };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('FirstDeliveries', () => {
  it('groups one tick of deliveries per subscriber, in order, capped per job', async () => {
    const { enqueued, dispatcher } = recordingDispatcher();
    const first = new FirstDeliveries(dispatcher);
    const many = Array.from({ length: MAX_DELIVERIES_PER_JOB + 2 }, (_, index) => ({
      id: `dlv_a${String(index).padStart(2, '0')}`,
      subscriberId: 'sub_a',
    }));
    first.add(many.slice(0, 5));
    first.add([{ id: 'dlv_b1', subscriberId: 'sub_b' }]);
    first.add(many.slice(5));
    expect(enqueued).toHaveLength(0);
    await tick();

    expect(enqueued).toHaveLength(1);
    const jobs = enqueued[0] ?? [];
    expect(jobs.map((job) => [job.queue, job.name, job.opts.jobId])).toEqual([
      [deliveryQueueName('sub_a'), 'deliver-batch', 'dlv_a00-b0'],
      [deliveryQueueName('sub_a'), 'deliver-batch', `dlv_a${MAX_DELIVERIES_PER_JOB}-b0`],
      // A group of one is the plain first-attempt job, with the reconciler's id.
      [deliveryQueueName('sub_b'), 'deliver', 'dlv_b1-a0'],
    ]);
    expect(deliveryBatchJobSchema.parse(jobs[0]?.data).deliveryIds).toEqual(
      many.slice(0, MAX_DELIVERIES_PER_JOB).map((delivery) => delivery.id),
    );
    expect(deliveryBatchJobSchema.parse(jobs[1]?.data).deliveryIds).toEqual(
      many.slice(MAX_DELIVERIES_PER_JOB).map((delivery) => delivery.id),
    );
    expect(deliveryJobSchema.parse(jobs[2]?.data)).toEqual({
      deliveryId: 'dlv_b1',
      attempt: 0,
      trigger: 'scheduled',
    });
  });

  it('starts new groups in the next tick', async () => {
    const { enqueued, dispatcher } = recordingDispatcher();
    const first = new FirstDeliveries(dispatcher);
    first.add([{ id: 'dlv_1', subscriberId: 'sub_a' }]);
    await tick();
    first.add([
      { id: 'dlv_2', subscriberId: 'sub_a' },
      { id: 'dlv_3', subscriberId: 'sub_a' },
    ]);
    await tick();
    expect(enqueued.map((jobs) => jobs.map((job) => job.opts.jobId))).toEqual([['dlv_1-a0'], ['dlv_2-b0']]);
  });

  it('hands deliveries to the lanes in this process first and enqueues only what they leave', async () => {
    const { enqueued, dispatcher } = recordingDispatcher();
    const offered: string[] = [];
    const first = new FirstDeliveries(dispatcher, (deliveries) => {
      offered.push(...deliveries.map((delivery) => delivery.id));
      return deliveries.filter((delivery) => delivery.subscriberId === 'sub_far');
    });
    first.add([
      { id: 'dlv_1', subscriberId: 'sub_here' },
      { id: 'dlv_2', subscriberId: 'sub_far' },
      { id: 'dlv_3', subscriberId: 'sub_far' },
    ]);
    expect(offered).toEqual(['dlv_1', 'dlv_2', 'dlv_3']);
    await tick();
    expect(enqueued.map((jobs) => jobs.map((job) => [job.queue, job.opts.jobId]))).toEqual([
      [[deliveryQueueName('sub_far'), 'dlv_2-b0']],
    ]);
  });
});
