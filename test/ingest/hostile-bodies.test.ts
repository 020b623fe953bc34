import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestGateway, type TestGateway, testConfig } from '../support/gateway';
import { storedMessages } from '../support/messages';

const MAX_BODY_BYTES = 65_536;

/** Sends a body in chunks without a content-length, as a client streaming it would. */
function postChunked(url: string, chunks: Buffer[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    req.on('response', (response) => {
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(parts).toString() }),
      );
    });
    req.on('error', (error) => {
      // the server may close the socket once it has answered 413
      if (
        (error as NodeJS.ErrnoException).code === 'EPIPE' ||
        (error as NodeJS.ErrnoException).code === 'ECONNRESET'
      )
        return;
      reject(error);
    });
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('hostile bodies on every provider endpoint', () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(
      testConfig(database, { MAX_BODY_BYTES: String(MAX_BODY_BYTES) }),
      database,
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });

  const hostile: Array<[string, Buffer, RegExp]> = [
    ['empty', Buffer.alloc(0), /empty body/],
    [
      'invalid percent-escape',
      Buffer.from('txn_id=1&first_name=%ZZ&mc_gross=1.00'),
      /invalid percent-escape/,
    ],
    ['truncated percent-escape', Buffer.from('txn_id=1&first_name=%E'), /invalid percent-escape/],
    ['a NUL byte', Buffer.from('txn_id=1&first_name=A%00B'), /NUL byte/],
    ['binary junk', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x80, 0x0a, 0x3d, 0x26]), /cannot appear/],
    ['raw UTF-8 bytes', Buffer.from('first_name=Renée'), /cannot appear/],
    ['10,000 fields', Buffer.from('a=1&'.repeat(10_000)), /too many fields/],
    ['only separators', Buffer.from('&&&&'), /no form fields/],
    ['JSON instead of a form', Buffer.from('{"txn_id": "1"}'), /cannot appear/],
  ];

  for (const path of ['/ipn/paypal', '/ipn/2checkout', '/lcn/2checkout']) {
    it.each(hostile)(`${path}: %s → 400 problem and a stored rejection`, async (_name, body, reason) => {
      const response = await gateway.post(path, body);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await response.json()) as { status: number; detail: string; message_id: string };
      expect(problem.status).toBe(400);
      expect(problem.detail).toMatch(reason);
      const stored = (await storedMessages(gateway.db)).find((message) => message.id === problem.message_id);
      expect(stored?.status).toBe('rejected');
      expect(stored?.reason).toMatch(reason);
      expect(stored?.raw_body.equals(body)).toBe(true);
    });
  }

  it('answers 413 for a declared oversized body and stores the rejection', async () => {
    const response = await gateway.post('/ipn/paypal', Buffer.alloc(MAX_BODY_BYTES + 1, 'a'));
    expect(response.status).toBe(413);
    const problem = (await response.json()) as { status: number; detail: string; message_id: string };
    const stored = (await storedMessages(gateway.db)).find((message) => message.id === problem.message_id);
    expect(stored?.status).toBe('rejected');
    expect(stored?.reason).toMatch(/exceeds MAX_BODY_BYTES/);
  });

  it('answers 413 for an oversized streamed body without a content-length, keeping its first bytes', async () => {
    const chunk = Buffer.alloc(4096, 'b');
    const result = await postChunked(`${gateway.url}/ipn/2checkout`, Array(20).fill(chunk));
    expect(result.status).toBe(413);
    const problem = JSON.parse(result.body);
    const stored = (await storedMessages(gateway.db)).find((message) => message.id === problem.message_id);
    expect(stored?.status).toBe('rejected');
    expect(stored?.raw_body.length).toBe(MAX_BODY_BYTES);
  });

  it('still serves normally after all of that', async () => {
    const health = await fetch(`${gateway.url}/healthz`);
    expect(health.status).toBe(200);
    const response = await gateway.post('/ipn/paypal', 'txn_id=61E67681CH3238416&payment_status=Completed');
    expect(response.status).toBe(200);
  });
});
