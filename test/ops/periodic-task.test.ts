import { describe, expect, it } from 'vitest';
import { PeriodicTask } from '../../src/periodic-task';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PeriodicTask', () => {
  it('never overlaps passes, keeps going after a failing pass, and stop waits for the pass in flight', async () => {
    let active = 0;
    let maxActive = 0;
    let passes = 0;
    let finished = 0;
    const errors: unknown[] = [];
    const task = new PeriodicTask(
      5,
      async () => {
        passes++;
        active++;
        maxActive = Math.max(maxActive, active);
        await sleep(20);
        active--;
        finished++;
        if (passes === 1) throw new Error('first pass fails');
      },
      (error) => errors.push(error),
    );
    task.start();
    const deadline = Date.now() + 5_000;
    while (passes < 3 && Date.now() < deadline) await sleep(5);
    await task.stop();
    expect(passes).toBeGreaterThanOrEqual(3);
    expect(maxActive).toBe(1);
    expect(finished).toBe(passes);
    expect(errors).toHaveLength(1);
    const afterStop = passes;
    await sleep(50);
    expect(passes).toBe(afterStop);
  });

  it('runs its first pass at start when asked, then one interval after each pass', async () => {
    const passesAt: number[] = [];
    const started = performance.now();
    const task = new PeriodicTask(
      400,
      async () => {
        passesAt.push(performance.now() - started);
      },
      () => {},
    );
    task.start({ immediately: true });
    await sleep(150);
    expect(passesAt).toHaveLength(1);
    expect(passesAt[0]).toBeLessThan(150);
    await sleep(400);
    await task.stop();
    expect(passesAt).toHaveLength(2);
    expect(passesAt[1]).toBeGreaterThanOrEqual(390);
  });

  it('waits one interval before its first pass by default', async () => {
    let passes = 0;
    const task = new PeriodicTask(
      300,
      async () => {
        passes++;
      },
      () => {},
    );
    task.start();
    await sleep(150);
    expect(passes).toBe(0);
    await task.stop();
  });
});
