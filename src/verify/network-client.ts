// The only place a plugin's network request leaves the process: no redirects (a redirect is an
// answer, never followed), a timeout, a capped answer, and a cache for what the plugin wants kept.
// Requests go through a keep-alive pool with a light handler (src/http/outbound-request.ts).
import { Agent } from 'undici';
import type { NetworkAnswer, NetworkRequest } from '../../providers/types';
import { OutboundTimeoutError, sendOutbound } from '../http/outbound-request';
import { ResponseCache } from './response-cache';

const MAX_ANSWER_BYTES = 256 * 1024;
// Connections kept per origin (PayPal's postback host, certificate hosts): enough for the
// verify worker's concurrency.
const CONNECTIONS_PER_ORIGIN = 32;

function causeOf(error: unknown, timeoutMs: number): string {
  if (error instanceof OutboundTimeoutError) return `no answer within ${timeoutMs} ms`;
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const message = error.cause instanceof Error ? error.cause.message : error.message;
  return code && !message.includes(code) ? `${code}: ${message}` : message;
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
    try {
      const response = await sendOutbound({
        url: request.url,
        method: request.method,
        body: request.body ?? null,
        headers: request.headers ?? {},
        timeoutMs,
        dispatcher: this.agent,
        keepBytes: MAX_ANSWER_BYTES,
        readLimitBytes: MAX_ANSWER_BYTES,
      });
      answer = { ok: true, status: response.statusCode, body: response.body };
    } catch (error) {
      return { ok: false, error: causeOf(error, timeoutMs) };
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
