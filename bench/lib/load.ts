// Closed-loop HTTP load with autocannon: every request takes the next body, so each one is a
// distinct notification.
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  /** Body number i (the cursor advances by one per request built). */
  body(index: number): string;
  cursor: { next: number };
  connections: number;
  durationSec: number;
}

export interface LoadResult {
  /** 2xx answers per second. */
  okPerSec: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  non2xx: number;
  errors: number;
  bodiesUsed: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const first = options.cursor.next;
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    connections: options.connections,
    duration: options.durationSec,
    timeout: 10,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => ({ ...request, body: options.body(options.cursor.next++) }),
      },
    ],
  });
  return {
    okPerSec: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    bodiesUsed: options.cursor.next - first,
  };
}
