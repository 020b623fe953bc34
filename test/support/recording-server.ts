// A loopback HTTP server that records every request byte for byte and answers from a script:
// the stand-in for PayPal's postback endpoint and for subscriber endpoints.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  receivedAt: number;
}

export interface ScriptedAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Never answer (the client's timeout must fire). */
  hang?: boolean;
  /** Answer after this many milliseconds. */
  delayMs?: number;
}

export type Responder = (request: RecordedRequest, index: number) => ScriptedAnswer;

export interface RecordingServer {
  url: string;
  received: RecordedRequest[];
  respondWith(responder: Responder): void;
  close(): Promise<void>;
}

export async function startRecordingServer(
  responder: Responder = () => ({ status: 200 }),
  path = '/',
  port = 0,
): Promise<RecordingServer> {
  let respond = responder;
  const received: RecordedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks),
        receivedAt: Date.now(),
      };
      received.push(recorded);
      const answer = respond(recorded, received.length - 1);
      if (answer.hang) return;
      const reply = () => {
        response.writeHead(answer.status, { 'content-type': 'text/plain; charset=utf-8', ...answer.headers });
        response.end(answer.body ?? '');
      };
      if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const listening = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${listening}${path}`,
    received,
    respondWith(next) {
      respond = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
