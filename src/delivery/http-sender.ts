// Subscriber POSTs: no redirects are followed (a 3xx is a failed attempt, like any non-2xx), and
// the whole attempt is bounded by one timeout. Deliveries go through their subscriber's own pool
// (see subscriber-lanes.ts), sized so a request never waits for a connection: the timeout then
// counts from sending. The shared agent serves test pings and a URL changed mid-flight.
import { Agent, type Dispatcher } from 'undici';
import { OutboundTimeoutError, sendOutbound } from '../http/outbound-request';

export const RESPONSE_EXCERPT_BYTES = 4096;
// Past this we stop reading and drop the connection rather than download a huge answer.
const MAX_DRAIN_BYTES = 1024 * 1024;

export interface SendRequest {
  url: string;
  body: string | Buffer;
  headers: Record<string, string>;
  timeoutMs: number;
  /** The connection pool to use; the shared agent when absent. */
  dispatcher?: Dispatcher;
}

export type SendResult =
  | { ok: true; statusCode: number; responseExcerpt: string; retryAfterMs: number | null; durationMs: number }
  | { ok: false; error: string; durationMs: number };

export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return null;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function describeError(error: unknown, timeoutMs: number): string {
  if (error instanceof OutboundTimeoutError) return `timeout after ${timeoutMs} ms`;
  if (error instanceof Error) {
    const code =
      (error as NodeJS.ErrnoException).code ?? (error.cause as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ECONNREFUSED') return 'connection refused';
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `host not found (${code})`;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

export class HttpSender {
  private readonly agent: Agent;

  constructor(connectionsPerOrigin = 64) {
    this.agent = new Agent({ connections: connectionsPerOrigin, keepAliveTimeout: 30_000, pipelining: 1 });
  }

  async send({ url, body, headers, timeoutMs, dispatcher }: SendRequest): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const response = await sendOutbound({
        url,
        method: 'POST',
        body,
        headers,
        timeoutMs,
        dispatcher: dispatcher ?? this.agent,
        keepBytes: RESPONSE_EXCERPT_BYTES,
        readLimitBytes: MAX_DRAIN_BYTES,
      });
      return {
        ok: true,
        statusCode: response.statusCode,
        responseExcerpt: response.body.toString('utf8'),
        retryAfterMs: parseRetryAfter(response.headers['retry-after']),
        durationMs: elapsed(),
      };
    } catch (error) {
      return { ok: false, error: describeError(error, timeoutMs), durationMs: elapsed() };
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
