// A local stand-in for PayPal's postback endpoint: records every request byte for byte and
// answers from a script, so tests can check the exact postback and drive each verdict.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedPostback {
  body: Buffer;
  headers: IncomingMessage['headers'];
  method: string;
}

export interface FakeAnswer {
  status: number;
  body: string;
  /** Never answer (to exercise timeouts). */
  hang?: boolean;
}

export type Responder = (postback: RecordedPostback, index: number) => FakeAnswer;

export interface FakePaypal {
  url: string;
  received: RecordedPostback[];
  respondWith(responder: Responder): void;
  close(): Promise<void>;
}

export const answer = {
  verified: (): FakeAnswer => ({ status: 200, body: 'VERIFIED' }),
  invalid: (): FakeAnswer => ({ status: 200, body: 'INVALID' }),
  serverError: (): FakeAnswer => ({ status: 500, body: '<html><body>Fatal Failure <br></body></html>' }),
};

export async function startFakePaypal(responder: Responder = () => answer.verified()): Promise<FakePaypal> {
  let respond = responder;
  const received: RecordedPostback[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const postback = {
        body: Buffer.concat(chunks),
        headers: request.headers,
        method: request.method ?? '',
      };
      received.push(postback);
      const reply = respond(postback, received.length - 1);
      if (reply.hang) return;
      response.writeHead(reply.status, { 'content-type': 'text/html; charset=UTF-8' });
      response.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/cgi-bin/webscr`,
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
