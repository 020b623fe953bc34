// sendOutbound: the one outbound HTTP exchange of postbacks, certificate fetches and deliveries.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundTimeoutError, sendOutbound } from '../../src/http/outbound-request';

type Handler = (request: IncomingMessage, body: Buffer, response: ServerResponse) => void;

const routes = new Map<string, Handler>();
let server: Server;
let base: string;
const agent = new Agent({ connections: 4, keepAliveTimeout: 5_000 });

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const handler = routes.get(new URL(request.url ?? '/', 'http://x').pathname);
      if (handler) handler(request, Buffer.concat(chunks), response);
      else response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await agent.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const defaults = {
  method: 'POST' as const,
  headers: {},
  timeoutMs: 2_000,
  keepBytes: 4096,
  readLimitBytes: 65_536,
};

describe('sendOutbound', () => {
  it('sends the exact body, method, path, query and headers, and returns status, headers and body', async () => {
    let seen: { method?: string; url?: string; type?: string; body?: string } = {};
    routes.set('/echo', (request, body, response) => {
      seen = {
        method: request.method,
        url: request.url,
        type: request.headers['content-type'],
        body: body.toString(),
      };
      response.writeHead(201, { 'retry-after': '7', 'content-type': 'text/plain' }).end('VERIFIED');
    });
    const answer = await sendOutbound({
      ...defaults,
      url: `${base}/echo?a=1&b=%20`,
      body: Buffer.from('cmd=_notify-validate&x=%C3%A9'),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      dispatcher: agent,
    });
    expect(seen).toEqual({
      method: 'POST',
      url: '/echo?a=1&b=%20',
      type: 'application/x-www-form-urlencoded',
      body: 'cmd=_notify-validate&x=%C3%A9',
    });
    expect(answer.statusCode).toBe(201);
    expect(answer.headers['retry-after']).toBe('7');
    expect(answer.body.toString()).toBe('VERIFIED');
  });

  it('answers a GET with an empty body as an empty buffer', async () => {
    routes.set('/empty', (_request, _body, response) => response.writeHead(204).end());
    const answer = await sendOutbound({
      ...defaults,
      method: 'GET',
      url: `${base}/empty`,
      dispatcher: agent,
    });
    expect(answer.statusCode).toBe(204);
    expect(answer.body.length).toBe(0);
  });

  it('never follows a redirect: the 3xx is the answer', async () => {
    routes.set('/moved', (_request, _body, response) =>
      response.writeHead(302, { location: '/echo' }).end('gone'),
    );
    const answer = await sendOutbound({ ...defaults, url: `${base}/moved`, dispatcher: agent });
    expect(answer.statusCode).toBe(302);
    expect(answer.headers.location).toBe('/echo');
  });

  it('keeps only the first keepBytes of a long answer, read to its end', async () => {
    routes.set('/long', (_request, _body, response) => {
      response.writeHead(200);
      for (let index = 0; index < 10; index++) response.write(Buffer.alloc(1000, 97 + index));
      response.end();
    });
    const answer = await sendOutbound({
      ...defaults,
      url: `${base}/long`,
      keepBytes: 1500,
      dispatcher: agent,
    });
    expect(answer.body.length).toBe(1500);
    expect(answer.body.subarray(0, 1000).every((byte) => byte === 97)).toBe(true);
    expect(answer.body.subarray(1000).every((byte) => byte === 98)).toBe(true);
  });

  it('stops reading an answer past readLimitBytes and drops the connection', async () => {
    let closed = false;
    routes.set('/endless', (_request, _body, response) => {
      response.writeHead(200);
      const chunk = Buffer.alloc(16_384, 120);
      const timer = setInterval(() => response.write(chunk), 1);
      response.on('close', () => {
        closed = true;
        clearInterval(timer);
      });
    });
    const started = performance.now();
    const answer = await sendOutbound({
      ...defaults,
      url: `${base}/endless`,
      keepBytes: 100,
      readLimitBytes: 200_000,
      dispatcher: agent,
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.body.length).toBe(100);
    expect(performance.now() - started).toBeLessThan(defaults.timeoutMs);
    await expect.poll(() => closed, { timeout: 2_000 }).toBe(true);
  });

  it('gives up after timeoutMs on a server that never answers, and frees the connection', async () => {
    let closed = false;
    routes.set('/hang', (_request, _body, response) => {
      response.on('close', () => {
        closed = true;
      });
    });
    const started = performance.now();
    const failure = await sendOutbound({
      ...defaults,
      url: `${base}/hang`,
      timeoutMs: 300,
      dispatcher: agent,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OutboundTimeoutError);
    expect((failure as Error).name).toBe('TimeoutError');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    await expect.poll(() => closed, { timeout: 2_000 }).toBe(true);
  });

  it('times out a request still waiting for a connection, and never sends it', async () => {
    const pool = new Pool(base, { connections: 1 });
    const hits: string[] = [];
    routes.set('/slow', (request, _body, response) => {
      hits.push(String(request.headers['x-n']));
      setTimeout(() => response.writeHead(200).end('done'), 500);
    });
    try {
      const first = sendOutbound({
        ...defaults,
        url: `${base}/slow`,
        headers: { 'x-n': '1' },
        dispatcher: pool,
      });
      const queued = sendOutbound({
        ...defaults,
        url: `${base}/slow`,
        headers: { 'x-n': '2' },
        timeoutMs: 100,
        dispatcher: pool,
      }).catch((error: unknown) => error);
      expect(await queued).toBeInstanceOf(OutboundTimeoutError);
      expect((await first).body.toString()).toBe('done');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(hits).toEqual(['1']);
    } finally {
      await pool.close();
    }
  });

  it('rejects with the connection error when nothing listens', async () => {
    const closedServer = createServer();
    await new Promise<void>((resolve) => closedServer.listen(0, '127.0.0.1', resolve));
    const port = (closedServer.address() as AddressInfo).port;
    await new Promise((resolve) => closedServer.close(resolve));
    const failure = await sendOutbound({
      ...defaults,
      url: `http://127.0.0.1:${port}/x`,
      dispatcher: agent,
    }).catch((error: unknown) => error as NodeJS.ErrnoException);
    expect((failure as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('rejects a URL it cannot parse without sending anything', async () => {
    await expect(sendOutbound({ ...defaults, url: 'not a url', dispatcher: agent })).rejects.toThrow();
  });
});
