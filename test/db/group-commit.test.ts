// Ingest's group commit: at most `maxInFlight` statements at once; what arrives meanwhile waits
// and goes in the next statement together; a failed statement fails only its own callers.
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/db/group-commit';

interface Call {
  inputs: number[];
  since: number;
  finish(): void;
  fail(error: Error): void;
}

function controlledRun() {
  const calls: Call[] = [];
  const run = (inputs: number[], since: number) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({
        inputs,
        since,
        finish: () => resolve(inputs.map((input) => `done ${input}`)),
        fail: reject,
      });
    });
  return { calls, run };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('holds what arrives while the slots are busy and sends it as one batch', async () => {
    const { calls, run } = controlledRun();
    const group = new GroupCommit(run, { maxInFlight: 2 });
    const first = group.submit(1);
    await tick();
    const second = group.submit(2);
    await tick();
    expect(calls.map((call) => call.inputs)).toEqual([[1], [2]]);

    const waiting = [3, 4, 5].map((input) => group.submit(input));
    await tick();
    expect(calls).toHaveLength(2); // both slots busy: nothing new is sent

    calls[0]?.finish();
    await expect(first).resolves.toBe('done 1');
    await tick();
    expect(calls.map((call) => call.inputs)).toEqual([[1], [2], [3, 4, 5]]);
    calls[2]?.finish();
    calls[1]?.finish();
    await expect(Promise.all([second, ...waiting])).resolves.toEqual([
      'done 2',
      'done 3',
      'done 4',
      'done 5',
    ]);
  });

  it('sends the next statement before the callers of the finished one go on', async () => {
    const { calls, run } = controlledRun();
    const group = new GroupCommit(run, { maxInFlight: 1 });
    const seen: number[] = [];
    const first = group.submit(1).then(() => seen.push(calls.length));
    await tick();
    const second = group.submit(2);
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]?.finish();
    await first;
    // The database already has the next batch while the first caller answers its request.
    expect(seen).toEqual([2]);
    calls[1]?.finish();
    await expect(second).resolves.toBe('done 2');
  });

  it('rejects only the callers of a failed statement, and keeps going', async () => {
    const { calls, run } = controlledRun();
    const group = new GroupCommit(run, { maxInFlight: 1 });
    const failing = group.submit(1);
    await tick();
    const later = group.submit(2);
    calls[0]?.fail(new Error('database gone'));
    await expect(failing).rejects.toThrow('database gone');
    await tick();
    expect(calls[1]?.inputs).toEqual([2]);
    calls[1]?.finish();
    await expect(later).resolves.toBe('done 2');
  });

  it('turns a statement that throws before starting into a rejection of its callers', async () => {
    let attempts = 0;
    const group = new GroupCommit<number, number>(
      (inputs) => {
        attempts++;
        if (attempts === 1) throw new Error('no time left');
        return Promise.resolve(inputs);
      },
      { maxInFlight: 1 },
    );
    await expect(group.submit(1)).rejects.toThrow('no time left');
    await expect(group.submit(2)).resolves.toBe(2);
  });

  it('tells the statement when its oldest caller arrived', async () => {
    const { calls, run } = controlledRun();
    const group = new GroupCommit(run, { maxInFlight: 1 });
    const before = performance.now();
    const first = group.submit(1);
    await tick();
    const second = group.submit(2);
    calls[0]?.finish();
    await first;
    await tick();
    expect(calls[1]?.since).toBeGreaterThanOrEqual(before);
    expect(calls[1]?.since).toBeGreaterThan(calls[0]?.since ?? Number.POSITIVE_INFINITY);
    calls[1]?.finish();
    await second;
  });
});

describe('GroupCommit weight cap', () => {
  it('splits what waited into statements of at most maxWeight, a heavier input alone', async () => {
    const { calls, run } = controlledRun();
    const group = new GroupCommit(run, { maxInFlight: 1, maxWeight: 10, weigh: (input: number) => input });
    const first = group.submit(1);
    await tick();
    const waiting = [4, 5, 3, 12, 2].map((input) => group.submit(input));
    await tick();
    calls[0]?.finish();
    await first;
    for (let index = 1; index < 5; index++) {
      await tick();
      calls[index]?.finish();
    }
    await Promise.all(waiting);
    expect(calls.map((call) => call.inputs)).toEqual([[1], [4, 5], [3], [12], [2]]);
  });
});

describe('GroupCommit linger', () => {
  it('lets a batch that is not full wait lingerMs for company, across ticks', async () => {
    const { calls, run } = controlledRun();
    const group = new GroupCommit(run, { maxInFlight: 2, lingerMs: 30 });
    const first = group.submit(1);
    await tick();
    const second = group.submit(2);
    await tick();
    expect(calls).toHaveLength(0); // still lingering, although both slots are free
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(calls.map((call) => call.inputs)).toEqual([[1, 2]]);
    calls[0]?.finish();
    await expect(Promise.all([first, second])).resolves.toEqual(['done 1', 'done 2']);
  });

  it('does not hold a full batch', async () => {
    const { calls, run } = controlledRun();
    const group = new GroupCommit(run, { lingerMs: 10_000, maxBatch: 2 });
    const both = [group.submit(1), group.submit(2)];
    expect(calls.map((call) => call.inputs)).toEqual([[1, 2]]);
    calls[0]?.finish();
    await Promise.all(both);
  });
});
