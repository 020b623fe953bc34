// Where fake-paypal keeps its development certificates, so `simulate paypal-webhook` (another
// process) signs with the key whose certificate fake-paypal serves. Made on first use, kept
// for the next runs; the private key is only ever a local development key.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDevChain } from './dev-certificates';

export const DEFAULT_DEV_DIR = path.join(tmpdir(), 'ipn-gateway-fake-paypal');
/** The path fake-paypal serves the chain under (PayPal's own look like this). */
export const DEV_CERT_PATH = '/v1/notifications/certs/CERT-ipn-gateway-dev';
/** The webhook id the simulator signs with by default; start the gateway with the same. */
export const DEV_WEBHOOK_ID = 'IPN-GATEWAY-DEV-WEBHOOK';

export interface DevFiles {
  dir: string;
  caFile: string;
  chainPem: string;
  keyPem: string;
}

const files = (dir: string) => ({
  ca: path.join(dir, 'ca.pem'),
  chain: path.join(dir, 'chain.pem'),
  key: path.join(dir, 'signer-key.pem'),
});

/** Reads the development chain from `dir`; null when it has not been made yet. */
export function readDevFiles(dir = DEFAULT_DEV_DIR): DevFiles | null {
  const paths = files(dir);
  if (![paths.ca, paths.chain, paths.key].every((file) => existsSync(file))) return null;
  return {
    dir,
    caFile: paths.ca,
    chainPem: readFileSync(paths.chain, 'utf8'),
    keyPem: readFileSync(paths.key, 'utf8'),
  };
}

/** The development chain in `dir`, made there first if missing. */
export function ensureDevFiles(dir = DEFAULT_DEV_DIR): DevFiles {
  const existing = readDevFiles(dir);
  if (existing) return existing;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const chain = createDevChain();
  const paths = files(dir);
  writeFileSync(paths.ca, chain.ca.certPem);
  writeFileSync(paths.chain, chain.chainPem);
  writeFileSync(paths.key, chain.leaf.keyPem, { mode: 0o600 });
  chmodSync(paths.key, 0o600);
  return { dir, caFile: paths.ca, chainPem: chain.chainPem, keyPem: chain.leaf.keyPem };
}
