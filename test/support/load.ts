// Sends many distinct, validly signed 2Checkout notifications, spread over a time span.
import { createServer } from 'node:net';
import { signedIpn } from './twocheckout-signing';

/**
 * Posts `count` notifications (REFNOs `prefix0`, `prefix1`, ...) in equal waves over `overMs` and
 * returns when every one was acknowledged; fails on any non-200.
 */
export async function sendNotifications(
  baseUrl: string,
  count: number,
  overMs: number,
  refnoPrefix: string,
  waves = 20,
): Promise<void> {
  const perWave = Math.ceil(count / waves);
  const pending: Promise<Response>[] = [];
  for (let wave = 0; wave < waves; wave++) {
    const start = wave * perWave;
    for (let index = start; index < Math.min(count, start + perWave); index++) {
      pending.push(
        fetch(`${baseUrl}/ipn/2checkout`, {
          method: 'POST',
          body: signedIpn(`${refnoPrefix}${index}`),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      );
    }
    if (wave < waves - 1) await new Promise((resolve) => setTimeout(resolve, overMs / waves));
  }
  const statuses = (await Promise.all(pending)).map((response) => response.status);
  const bad = statuses.filter((status) => status !== 200);
  if (bad.length > 0)
    throw new Error(`${bad.length} notifications were not acknowledged: ${bad.slice(0, 5)}`);
}

/** A loopback URL where nothing listens: every connection is refused. */
export async function refusingUrl(): Promise<string> {
  const port = await new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
  return `http://127.0.0.1:${port}/hook`;
}
