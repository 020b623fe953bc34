// The parent's side of bench/subscribers-server.ts: starts it, and collects arrivals by
// transaction id so a run can tell when its deliveries landed and how late they were.
import { startChild } from './child-process';

export interface Arrival {
  subscriber: number;
  /** Milliseconds since the epoch, sub-millisecond (performance.timeOrigin + now()). */
  at: number;
}

export interface Subscribers {
  urls: string[];
  /** Arrivals of one transaction id since the last reset. */
  arrivalsOf(id: string): Arrival[] | undefined;
  total(): number;
  /** Arrival time of the first delivery since the last reset (NaN before any). */
  firstAt(): number;
  /** The first delivered body seen by this process. */
  sample(): string | null;
  /** Resolves with the time of arrival number `count`, or null after `timeoutMs`. */
  waitFor(count: number, timeoutMs: number): Promise<number | null>;
  reset(): void;
  stop(): Promise<void>;
}

export const epochNow = () => performance.timeOrigin + performance.now();

export async function startSubscribers(count: number, hanging: number[] = []): Promise<Subscribers> {
  const child = await startChild({
    name: 'subscribers',
    entry: 'bench/subscribers-server.ts',
    env: { SUBSCRIBERS: String(count), HANGING: hanging.join(',') },
    ready: /subscribers listening on ([\d,]+)/,
    ipc: true,
  });
  const urls = (child.ready[1] ?? '').split(',').map((port) => `http://127.0.0.1:${port}/webhook`);
  let arrivals = new Map<string, Arrival[]>();
  let total = 0;
  let lastAt = 0;
  let firstAt = Number.NaN;
  let sample: string | null = null;
  let waiter: { count: number; resolve: (at: number) => void } | null = null;
  child.process.on(
    'message',
    (message: { type: string; body?: string; arrivals?: [number, string, number][] }) => {
      if (message.type === 'sample') sample ??= message.body ?? null;
      if (message.type !== 'arrivals') return;
      for (const [subscriber, id, at] of message.arrivals ?? []) {
        const list = arrivals.get(id);
        if (list) list.push({ subscriber, at });
        else arrivals.set(id, [{ subscriber, at }]);
        total++;
        lastAt = Math.max(lastAt, at);
        if (!(at >= firstAt)) firstAt = at;
      }
      if (waiter && total >= waiter.count) {
        waiter.resolve(lastAt);
        waiter = null;
      }
    },
  );
  return {
    urls,
    arrivalsOf: (id) => arrivals.get(id),
    total: () => total,
    firstAt: () => firstAt,
    sample: () => sample,
    waitFor(wanted, timeoutMs) {
      if (total >= wanted) return Promise.resolve(lastAt);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiter = null;
          resolve(null);
        }, timeoutMs);
        waiter = {
          count: wanted,
          resolve: (at) => {
            clearTimeout(timer);
            resolve(at);
          },
        };
      });
    },
    reset() {
      arrivals = new Map();
      total = 0;
      lastAt = 0;
      firstAt = Number.NaN;
    },
    stop: () => child.stop(3_000),
  };
}
