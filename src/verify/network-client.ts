// The only place a plugin's network request leaves the process: no redirects (a redirect is an
// answer, never followed), a timeout, a capped answer, and a cache for what the plugin wants kept.
// undici's `request` on a keep-alive pool rather than WHATWG `fetch`: the profile of PayPal ingest
// showed fetch's streams, WebIDL checks and abort plumbing as a few percent of the busy time.
import { Agent, request as undiciRequest } from 'undici';
import type { NetworkAnswer, NetworkRequest } from '../../providers/types';
import { deadline } from '../http/deadline';
import { ResponseCache } from './response-cache';

const MAX_ANSWER_BYTES = 256 * 1024;
// Connections kept per origin (PayPal's postback host, certificate hosts): enough for the
// verify worker's concurrency.
const CONNECTIONS_PER_ORIGIN = 32;

function causeOf(error: unknown, timeoutMs: number): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = (error as NodeJS.ErrnoException).code;
  const message = error.cause instanceof Error ? error.cause.message : error.message;
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

/** Reads at most MAX_ANSWER_BYTES, then drops the rest of the answer (and its connection). */
async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let kept = 0;
  for await (const chunk of body) {
    const part = chunk.subarray(0, MAX_ANSWER_BYTES - kept);
    chunks.push(part);
    kept += part.length;
    if (kept >= MAX_ANSWER_BYTES) {
      body.destroy();
      break;
    }
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

export class NetworkClient {
  private readonly cache = new ResponseCache();
  private readonly agent = new Agent({
    connections: CONNECTIONS_PER_ORIGIN,
    keepAliveTimeout: 30_000,
    pipelining: 1,
  });

  async send(request: NetworkRequest, timeoutMs: number): Promise<NetworkAnswer> {
    const cacheKey = `${request.method} ${request.url}`;
    if (request.cacheForMs) {
      const cached = this.cache.get(cacheKey);
      if (cached) return cached;
    }
    let answer: NetworkAnswer;
    const { signal, clear } = deadline(timeoutMs);
    try {
      // undici's request never follows redirects: a 3xx comes back as the answer.
      const response = await undiciRequest(request.url, {
        method: request.method,
        body: request.body,
        headers: request.headers,
        dispatcher: this.agent,
        signal,
      });
      answer = { ok: true, status: response.statusCode, body: await readCapped(response.body) };
    } catch (error) {
      return { ok: false, error: causeOf(signal.aborted ? signal.reason : error, timeoutMs) };
    } finally {
      clear();
    }
    if (request.cacheForMs && answer.ok && answer.status >= 200 && answer.status < 300) {
      this.cache.set(cacheKey, answer, request.cacheForMs);
    }
    return answer;
  }

  /** Drops the kept-alive connections (at shutdown). */
  close(): Promise<void> {
    return this.agent.close();
  }
}
