// TRUST_PROXY: which X-Forwarded-For entry is the client. The header is appended to by each proxy,
// so only entries added by proxies we trust can be believed: we read it from the right.
import { isIP } from 'node:net';

export type TrustProxy =
  | { kind: 'none' }
  /** This many proxies stand in front of the gateway (1 = one load balancer). */
  | { kind: 'hops'; hops: number }
  /** The addresses (or CIDR ranges) of the proxies in front of the gateway. */
  | { kind: 'list'; proxies: string[] };

function isAddressOrRange(entry: string): boolean {
  const [address, bits, extra] = entry.split('/');
  if (extra !== undefined || address === undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d+$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** `false`, `true` (= 1 hop), a hop count, or a comma list of proxy addresses/ranges; else an error text. */
export function parseTrustProxy(text: string): TrustProxy | string {
  const value = text.trim().toLowerCase();
  if (value === 'false' || value === '0') return { kind: 'none' };
  if (value === 'true') return { kind: 'hops', hops: 1 };
  if (/^\d+$/.test(value)) return { kind: 'hops', hops: Number(value) };
  const proxies = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  const bad = proxies.filter((entry) => !isAddressOrRange(entry));
  if (proxies.length === 0 || bad.length > 0) {
    return `"${text}" is not false, a number of proxy hops, or a comma list of proxy addresses (bad: ${bad.join(', ')})`;
  }
  return { kind: 'list', proxies };
}
