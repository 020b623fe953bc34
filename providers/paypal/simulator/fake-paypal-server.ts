// A local stand-in for PayPal: its IPN postback endpoint (POST /cgi-bin/webscr: VERIFIED for an
// unaltered message made by `simulate paypal` with the same key, INVALID for anything else) and,
// when given one, a webhook signing certificate (GET at its certificate URL).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hasValidSimulatorSignature } from './simulator-signature';

export const POSTBACK_PATH = '/cgi-bin/webscr';

const VALIDATE_PREFIX = Buffer.from('cmd=_notify-validate&', 'ascii');
// Bodies of real IPNs stay far below this; anything larger is not worth reading.
const MAX_BODY_BYTES = 1_048_576;

export type Verdict = 'VERIFIED' | 'INVALID';

export interface PostbackRecord {
  verdict: Verdict;
  /** The IPN as the gateway received it (the postback without its command prefix). */
  body: Buffer;
}

/** The verdict for one postback body, byte for byte. */
export function postbackVerdict(postback: Buffer, key: string): Verdict {
  if (!postback.subarray(0, VALIDATE_PREFIX.length).equals(VALIDATE_PREFIX)) return 'INVALID';
  return hasValidSimulatorSignature(postback.subarray(VALIDATE_PREFIX.length), key) ? 'VERIFIED' : 'INVALID';
}

export interface FakePaypalOptions {
  host: string;
  port: number;
  key: string;
  onPostback?: (record: PostbackRecord) => void;
  /** The PEM chain to serve at `certificatePath`. */
  certificateChain?: string;
  certificatePath?: string;
}

export interface FakePaypalServer {
  /** The full postback URL, for PAYPAL_VERIFY_URL. */
  url: string;
  /** Base URL, for PAYPAL_WEBHOOK_CERT_URL_PREFIXES. */
  base: string;
  /** Where the certificate is served, when one was given. */
  certificateUrl: string | null;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export async function startFakePaypalServer(options: FakePaypalOptions): Promise<FakePaypalServer> {
  const server: Server = createServer(async (request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method === 'GET' && options.certificateChain && path === options.certificatePath) {
      response.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(options.certificateChain);
      return;
    }
    if (request.method !== 'POST' || path !== POSTBACK_PATH) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const body = await readBody(request).catch(() => null);
    if (body === null) {
      response.writeHead(413, { 'content-type': 'text/plain' }).end('too large');
      return;
    }
    const verdict = postbackVerdict(body, options.key);
    const ipn = body.subarray(0, VALIDATE_PREFIX.length).equals(VALIDATE_PREFIX)
      ? body.subarray(VALIDATE_PREFIX.length)
      : body;
    options.onPostback?.({ verdict, body: ipn });
    // PayPal answers both verdicts with 200 and the bare word.
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(verdict);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const base = `http://${host}:${port}/`;
  return {
    url: `http://${host}:${port}${POSTBACK_PATH}`,
    base,
    certificateUrl:
      options.certificateChain && options.certificatePath
        ? `${base}${options.certificatePath.replace(/^\//, '')}`
        : null,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
