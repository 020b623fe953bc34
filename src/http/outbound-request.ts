// One outbound HTTP request (a PayPal postback, a certificate fetch, a delivery) through undici's
// dispatcher with a small handler: the status, headers and first bytes of the answer, gathered
// without a stream. undici's `request` wraps every answer in a Readable and each call in an abort
// signal; on the PayPal ingest bench that machinery cost more of the request thread than the
// postback's own HTTP work (docs/performance.md, section 15). Redirects are never followed.
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

export interface OutboundRequest {
  url: string;
  method: 'GET' | 'POST';
  body?: string | Buffer | null;
  headers: Record<string, string>;
  /** The whole exchange, from the call (waiting for a connection included) to the last byte. */
  timeoutMs: number;
  dispatcher: Dispatcher;
  /** How much of the answer's body is kept; the rest is read and dropped. */
  keepBytes: number;
  /** Once more than this has been read, the connection is dropped and the answer ends there. */
  readLimitBytes: number;
}

export interface OutboundAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** The first `keepBytes` of the body. */
  body: Buffer;
}

/** The exchange's own deadline passed (named like the DOMException of an expired AbortSignal). */
export class OutboundTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

interface Target {
  origin: string;
  path: string;
}

// A handful of URLs (PayPal's postback URL, the subscribers') are requested over and over.
const MAX_CACHED_TARGETS = 256;
const targets = new Map<string, Target>();

function targetOf(url: string): Target {
  let target = targets.get(url);
  if (!target) {
    const parsed = new URL(url);
    target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    if (targets.size >= MAX_CACHED_TARGETS) targets.clear();
    targets.set(url, target);
  }
  return target;
}

export function sendOutbound(request: OutboundRequest): Promise<OutboundAnswer> {
  return new Promise<OutboundAnswer>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | null = null;
    let settled = false;
    let statusCode = 0;
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    let kept = 0;
    let read = 0;
    const timeout = () => new OutboundTimeoutError(`no answer within ${request.timeoutMs} ms`);
    const settle = (error: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else
        resolve({
          statusCode,
          headers,
          body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks),
        });
    };
    const timer = setTimeout(() => {
      settle(timeout());
      // Still waiting for a connection: onRequestStart drops it when it gets one.
      controller?.abort(timeout());
    }, request.timeoutMs);

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(started) {
        controller = started;
        if (settled) started.abort(timeout());
      },
      onResponseStart(_controller, status, responseHeaders) {
        if (status < 200) return; // 1xx: the final answer follows
        statusCode = status;
        headers = responseHeaders;
      },
      onResponseData(started, chunk) {
        read += chunk.length;
        if (kept < request.keepBytes) {
          const part =
            chunk.length <= request.keepBytes - kept ? chunk : chunk.subarray(0, request.keepBytes - kept);
          chunks.push(part);
          kept += part.length;
        }
        if (read > request.readLimitBytes) {
          settle(null);
          started.abort(new Error(`answer longer than ${request.readLimitBytes} bytes`));
        }
      },
      onResponseEnd() {
        settle(null);
      },
      onResponseError(_controller, error) {
        settle(error);
      },
    };
    try {
      const { origin, path } = targetOf(request.url);
      request.dispatcher.dispatch(
        { origin, path, method: request.method, body: request.body ?? null, headers: request.headers },
        handler,
      );
    } catch (error) {
      settle(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
