// Slow clients: 20 connections trickling headers or a body a byte at a time do not delay normal
// notifications, and each is answered 408 or closed within 60 s of its start (defaults:
// HEADERS_TIMEOUT 20 s, REQUEST_TIMEOUT 30 s).
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestGateway, type TestGateway, testConfig } from '../support/gateway';
import { twocheckoutMessage } from '../support/simulated';

interface Trickle {
  startedAt: number;
  closedAt: Promise<number>;
  answer: () => string;
  stop(): void;
}

/** Opens a socket and writes `prefix`, then one byte of `drip` every `everyMs`, forever. */
function trickle(url: string, prefix: string, drip: string, everyMs: number): Trickle {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect(Number(port), hostname);
  let received = '';
  const startedAt = Date.now();
  let timer: NodeJS.Timeout | undefined;
  socket.on('data', (chunk) => {
    received += chunk.toString();
  });
  socket.on('error', () => {});
  const closedAt = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
  socket.on('connect', () => {
    socket.write(prefix);
    let index = 0;
    timer = setInterval(() => {
      if (socket.destroyed) return clearInterval(timer);
      socket.write(drip[index % drip.length] as string);
      index++;
    }, everyMs);
  });
  void closedAt.then(() => clearInterval(timer));
  return { startedAt, closedAt, answer: () => received, stop: () => socket.destroy() };
}

describe('slow (trickling) connections', () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(testConfig(database), database);
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });

  it('20 trickling connections do not delay normal IPNs and are closed within 60 s', async () => {
    const slowHeaders = Array.from({ length: 10 }, () =>
      trickle(
        gateway.url,
        'POST /ipn/2checkout HTTP/1.1\r\nHost: x\r\n',
        'X-Slow: aaaaaaaaaaaaaaaaaaaa\r\n',
        500,
      ),
    );
    const slowBodies = Array.from({ length: 10 }, () =>
      trickle(
        gateway.url,
        'POST /ipn/paypal HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n',
        'txn_id=1&',
        500,
      ),
    );
    const all = [...slowHeaders, ...slowBodies];
    try {
      // Normal traffic while they trickle: every IPN answered, one after the other.
      let open = all.length;
      for (const entry of all) void entry.closedAt.then(() => open--);
      const statuses: number[] = [];
      const normalStartedAt = Date.now();
      while (open > 0 && Date.now() - normalStartedAt < 65_000) {
        const message = twocheckoutMessage(statuses.length);
        statuses.push((await gateway.post(message.path, message.body)).status);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(statuses.length).toBeGreaterThan(20);
      expect(statuses.every((status) => status === 200)).toBe(true);

      for (const entry of all) {
        const closedAt = await entry.closedAt;
        expect(closedAt - entry.startedAt).toBeLessThan(60_000);
        const answer = entry.answer();
        // Either nothing (closed) or a 408; never a 5xx.
        if (answer !== '') expect(answer).toMatch(/^HTTP\/1\.1 408/);
      }
    } finally {
      for (const entry of all) entry.stop();
    }
  }, 90_000);
});
