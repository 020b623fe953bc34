// HTTP clients for notifications over one keep-alive undici Agent: a closed loop with a fixed
// number in flight, and an open loop at a fixed rate. Both record when each notification left
// (ms since the epoch), so arrival times from another process can be set against them.
import { Agent, request } from 'undici';
import type { Batch } from './notifications';
import { epochNow } from './subscribers';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function post(agent: Agent, url: string, body: string): Promise<number> {
  const response = await request(url, { method: 'POST', body, headers: FORM, dispatcher: agent });
  await response.body.dump();
  return response.statusCode;
}

export interface SendResult {
  ok: number;
  failed: number;
  /** When notification i was handed to the client; 0 if never sent. */
  sentAt: Float64Array;
  /** Client-side answer time per notification (ms); NaN when it failed. */
  answerMs: Float64Array;
  /** Time the first notification left and the last answer came. */
  startedAt: number;
  finishedAt: number;
}

function tracker(total: number) {
  const result: SendResult = {
    ok: 0,
    failed: 0,
    sentAt: new Float64Array(total),
    answerMs: new Float64Array(total).fill(Number.NaN),
    startedAt: 0,
    finishedAt: 0,
  };
  const send = async (agent: Agent, url: string, batch: Batch, index: number) => {
    const at = epochNow();
    result.sentAt[index] = at;
    try {
      const status = await post(agent, url, batch.bodies[index] as string);
      result.answerMs[index] = epochNow() - at;
      if (status >= 200 && status < 300) result.ok++;
      else result.failed++;
    } catch {
      result.failed++;
    }
  };
  return { result, send };
}

/** Posts every body of `batch` with `concurrency` requests in flight. */
export async function postAll(url: string, batch: Batch, concurrency: number): Promise<SendResult> {
  const agent = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
  const { result, send } = tracker(batch.bodies.length);
  let next = 0;
  const lane = async () => {
    while (next < batch.bodies.length) await send(agent, url, batch, next++);
  };
  result.startedAt = epochNow();
  try {
    await Promise.all(Array.from({ length: concurrency }, lane));
  } finally {
    result.finishedAt = epochNow();
    await agent.close();
  }
  return result;
}

/**
 * Sends the batch at `rate` per second whatever the answers (open loop: a slow server does not
 * slow the sender, so queueing shows up as latency).
 */
export async function sendPaced(
  url: string,
  batch: Batch,
  rate: number,
  connections: number,
): Promise<SendResult> {
  const total = batch.bodies.length;
  const agent = new Agent({ connections, keepAliveTimeout: 30_000 });
  const { result, send } = tracker(total);
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  const start = performance.now();
  result.startedAt = epochNow();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000));
      while (sent < due) {
        const done = send(agent, url, batch, sent++);
        inFlight.add(done);
        void done.finally(() => inFlight.delete(done));
      }
      if (sent >= total) resolve();
      else setTimeout(tick, 2);
    };
    tick();
  });
  await Promise.all([...inFlight]);
  result.finishedAt = epochNow();
  await agent.close();
  return result;
}
