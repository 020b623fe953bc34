// The only place a plugin's network request leaves the process: no redirects (a redirect is an
// answer, never followed), a timeout, a capped answer, and a cache for what the plugin wants kept.
import type { NetworkAnswer, NetworkRequest } from '../../providers/types';
import { ResponseCache } from './response-cache';

const MAX_ANSWER_BYTES = 256 * 1024;

function causeOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? error.cause.message : error.message;
}

async function readCapped(response: Response): Promise<Buffer> {
  const body = Buffer.from(await response.arrayBuffer());
  return body.length > MAX_ANSWER_BYTES ? body.subarray(0, MAX_ANSWER_BYTES) : body;
}

export class NetworkClient {
  private readonly cache = new ResponseCache();

  async send(request: NetworkRequest, timeoutMs: number): Promise<NetworkAnswer> {
    const cacheKey = `${request.method} ${request.url}`;
    if (request.cacheForMs) {
      const cached = this.cache.get(cacheKey);
      if (cached) return cached;
    }
    let answer: NetworkAnswer;
    try {
      const response = await fetch(request.url, {
        method: request.method,
        body: request.body,
        headers: request.headers,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      answer = { ok: true, status: response.status, body: await readCapped(response) };
    } catch (error) {
      return { ok: false, error: causeOf(error) };
    }
    if (request.cacheForMs && answer.ok && answer.status >= 200 && answer.status < 300) {
      this.cache.set(cacheKey, answer, request.cacheForMs);
    }
    return answer;
  }
}
