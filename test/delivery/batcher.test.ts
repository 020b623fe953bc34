import { describe, expect, it } from 'vitest';
import { Batcher } from '../../src/delivery/batcher';

describe('group commit batcher', () => {
  it('runs calls made in the same tick as one batch, answering each in order', async () => {
    const batches: number[][] = [];
    const batcher = new Batcher<number, number>(async (inputs) => {
      batches.push(inputs);
      return inputs.map((input) => input * 10);
    });
    const answers = await Promise.all([1, 2, 3].map((input) => batcher.submit(input)));
    expect(answers).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(await batcher.submit(4)).toBe(40);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('caps a batch and fails every call of a failed batch', async () => {
    const sizes: number[] = [];
    const batcher = new Batcher<number, number>(async (inputs) => {
      sizes.push(inputs.length);
      if (inputs.includes(13)) throw new Error('unlucky');
      return inputs;
    }, 2);
    const settled = await Promise.allSettled([1, 2, 13, 4].map((input) => batcher.submit(input)));
    expect(sizes).toEqual([2, 2]);
    expect(settled.map((result) => result.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
    ]);
  });

  it('splits batches by total weight (ingest: body bytes)', async () => {
    const batches: number[][] = [];
    const batcher = new Batcher<number, number>(
      async (inputs) => {
        batches.push(inputs);
        return inputs;
      },
      { maxBatch: 100, maxWeight: 10, weigh: (input) => input },
    );
    await Promise.all([4, 4, 4, 9, 1, 12, 2].map((input) => batcher.submit(input)));
    // 4+4 (+4 would pass 10), 4 (+9 would), 9+1 (reaches 10), 12 alone (over the cap by itself), 2
    expect(batches).toEqual([[4, 4], [4], [9, 1], [12], [2]]);
    for (const batch of batches) {
      if (batch.length > 1) expect(batch.reduce((sum, x) => sum + x, 0)).toBeLessThanOrEqual(10);
    }
  });
});
