// A keep-alive HTTP endpoint standing in for subscribers: answers 200 at once, counts receipts
// and hands each one (path, body, time) to an optional observer.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onCleanup } from './cleanup';

export type ReceiptObserver = (path: string, body: Buffer, receivedAt: number) => void;

export interface Sink {
  /** Base URL without a trailing slash; any path is accepted. */
  url: string;
  received(): number;
  /** performance.now() of the first receipt since the last reset, or null. */
  firstAt(): number | null;
  /** Resolves with the arrival time of receipt number `count`, or null after `timeoutMs`. */
  waitFor(count: number, timeoutMs: number): Promise<number | null>;
  observe(observer: ReceiptObserver | null): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  let received = 0;
  let firstAt: number | null = null;
  let reachedAt: number | null = null;
  let observer: ReceiptObserver | null = null;
  let waiter: { count: number; resolve: (at: number) => void } | null = null;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const receivedAt = performance.now();
      response.writeHead(200, { 'content-length': '0' });
      response.end();
      received++;
      firstAt ??= receivedAt;
      observer?.(request.url ?? '/', Buffer.concat(chunks), receivedAt);
      if (waiter && received >= waiter.count) {
        waiter.resolve(receivedAt);
        waiter = null;
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = onCleanup('close sink', async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => received,
    firstAt: () => firstAt,
    waitFor(count, timeoutMs) {
      if (received >= count) return Promise.resolve(reachedAt ?? performance.now());
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiter = null;
          resolve(null);
        }, timeoutMs);
        waiter = {
          count,
          resolve: (at) => {
            clearTimeout(timer);
            reachedAt = at;
            resolve(at);
          },
        };
      });
    },
    observe(next) {
      observer = next;
    },
    reset() {
      received = 0;
      firstAt = null;
      reachedAt = null;
    },
    close,
  };
}
