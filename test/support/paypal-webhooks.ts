// PayPal webhooks end to end without PayPal: a development certificate chain made at run time, a
// local certificate server serving it, and signed bodies.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDevChain, type DevChain } from '../../providers/paypal/simulator/dev-certificates';
import { signWebhook } from '../../providers/paypal/simulator/sign-webhook';
import { type RecordingServer, startRecordingServer } from './recording-server';

export const TEST_WEBHOOK_ID = '4JH86294D6297924G';

export interface CertificateServer extends RecordingServer {
  /** Base URL, for PAYPAL_WEBHOOK_CERT_URL_PREFIXES. */
  base: string;
  /** Serves `pem` at `/certs/<name>` and returns its URL. */
  serve(name: string, pem: string): string;
}

/** A loopback server answering GET /certs/<name> with the PEM registered under that name. */
export async function startCertificateServer(port = 0): Promise<CertificateServer> {
  const served = new Map<string, string>();
  const server = await startRecordingServer(
    (request) => {
      const pem = served.get(request.path);
      return pem === undefined ? { status: 404, body: 'no such certificate' } : { status: 200, body: pem };
    },
    '/',
    port,
  );
  const base = server.url;
  return {
    ...server,
    base,
    serve(name, pem) {
      served.set(`/certs/${name}`, pem);
      return `${base}certs/${name}`;
    },
  };
}

/** A port nothing listens on right now (taken, then released). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface TrustedChain {
  chain: DevChain;
  /** Path of the CA file, for PAYPAL_WEBHOOK_CA_FILE. */
  caFile: string;
  cleanup(): void;
}

export function trustedChain(): TrustedChain {
  const chain = createDevChain();
  const dir = mkdtempSync(path.join(tmpdir(), 'ipn-gateway-webhook-ca-'));
  const caFile = path.join(dir, 'ca.pem');
  writeFileSync(caFile, chain.ca.certPem);
  return { chain, caFile, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Headers for `body`, signed with `keyPem` and pointing at `certUrl`. */
export function signedHeaders(
  body: Buffer,
  keyPem: string,
  certUrl: string,
  webhookId = TEST_WEBHOOK_ID,
): Record<string, string> {
  return signWebhook({ body, webhookId, keyPem, certUrl });
}
