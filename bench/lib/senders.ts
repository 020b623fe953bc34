// Two open HTTP clients over one keep-alive undici Agent: a bounded-concurrency "post all" for
// setup, and an open-loop paced sender that records when each notification left.
import { Agent, request } from 'undici';
import type { BodyPool } from './notifications';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function post(agent: Agent, url: string, body: string): Promise<number> {
  const response = await request(url, { method: 'POST', body, headers: FORM, dispatcher: agent });
  await response.body.dump();
  return response.statusCode;
}

/** Posts bodies [from, from+count) with `concurrency` in flight; returns how many got 2xx. */
export async function postAll(
  url: string,
  pool: BodyPool,
  from: number,
  count: number,
  concurrency: number,
): Promise<number> {
  const agent = new Agent({ connections: concurrency });
  let next = from;
  let ok = 0;
  const lane = async () => {
    while (next < from + count) {
      const status = await post(agent, url, pool.body(next++));
      if (status >= 200 && status < 300) ok++;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, lane));
  } finally {
    await agent.close();
  }
  return ok;
}

export interface PacedResult {
  sent: number;
  ok: number;
  failed: number;
  /** performance.now() when body i was handed to the client. */
  /** Client-side answer time per request (ms); NaN when it failed. */
  answerMs: Float64Array;
}

/**
 * Sends `sentAt.length` notifications at `rate` per second regardless of how fast answers come
 * (open loop: a slow server does not slow the sender, so queueing shows up as latency). Fills
 * `sentAt[i]` with performance.now() when body i is handed to the client.
 */
export async function sendPaced(
  url: string,
  pool: BodyPool,
  rate: number,
  connections: number,
  sentAt: Float64Array,
): Promise<PacedResult> {
  const total = sentAt.length;
  const agent = new Agent({ connections, keepAliveTimeout: 30_000 });
  const answerMs = new Float64Array(total).fill(Number.NaN);
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  let ok = 0;
  let failed = 0;
  const fire = (index: number) => {
    const body = pool.body(index);
    const at = performance.now();
    sentAt[index] = at;
    const done = post(agent, url, body).then(
      (status) => {
        answerMs[index] = performance.now() - at;
        if (status >= 200 && status < 300) ok++;
        else failed++;
      },
      () => void failed++,
    );
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000));
      while (sent < due) fire(sent++);
      if (sent >= total) resolve();
      else setTimeout(tick, 2);
    };
    tick();
  });
  await Promise.all([...inFlight]);
  await agent.close();
  return { sent, ok, failed, answerMs };
}
