import { type Job, Worker } from 'bullmq';
import type { Logger } from '../logger';
import { createWorkerConnection, type RedisConnection } from './redis';

export interface WorkerSpec<T> {
  /** The BullMQ queue name. */
  queue: string;
  concurrency: number;
  /** Must outlast the longest attempt, so BullMQ never hands an in-flight job to another worker. */
  lockDurationMs: number;
  parse(data: unknown): T;
  handle(data: T, job: Job): Promise<void>;
}

/** Erases a spec's payload type for the pool; `parse` guarantees `handle` gets what it expects. */
export function defineWorker<T>(spec: WorkerSpec<T>): WorkerSpec<unknown> {
  return spec as WorkerSpec<unknown>;
}

export interface WorkerPool {
  /** Lets in-flight jobs finish for up to `graceMs`, then forces the rest and drops the connections. */
  close(graceMs: number): Promise<void>;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

export function startWorkers(
  redisUrl: string,
  prefix: string,
  specs: WorkerSpec<unknown>[],
  logger: Logger,
): WorkerPool {
  const connections: RedisConnection[] = [];
  // Tracked here, not through BullMQ: its close() never settles while Redis is unreachable.
  const inFlight = new Set<Promise<void>>();
  const workers = specs.map((spec) => {
    const connection = createWorkerConnection(redisUrl);
    connection.on('error', () => {}); // surfaced through the worker's own 'error' event
    connections.push(connection);
    const worker = new Worker(
      spec.queue,
      async (job) => {
        const work = spec.handle(spec.parse(job.data), job);
        inFlight.add(work);
        try {
          await work;
        } finally {
          inFlight.delete(work);
        }
      },
      {
        connection,
        prefix,
        concurrency: spec.concurrency,
        lockDuration: spec.lockDurationMs,
        stalledInterval: Math.min(spec.lockDurationMs, 30_000),
        maxStalledCount: 5,
      },
    );
    worker.on('failed', (job, error) =>
      logger.error(
        { err: error, queue: spec.queue, jobId: job?.id },
        'job failed; the reconciler will retry it',
      ),
    );
    worker.on('error', (error) => logger.warn({ err: error, queue: spec.queue }, 'worker connection error'));
    return worker;
  });
  return {
    async close(graceMs) {
      const closing = Promise.all(workers.map((worker) => worker.close())).catch(() => {});
      await Promise.race([Promise.allSettled([...inFlight]), delay(graceMs)]);
      await Promise.race([closing, delay(1000)]);
      for (const connection of connections) connection.disconnect();
      await Promise.race([
        Promise.all(workers.map((worker) => worker.close(true).catch(() => {}))),
        delay(1000),
      ]);
    },
  };
}
