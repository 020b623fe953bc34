// The client's address, given the TCP peer and X-Forwarded-For. Each proxy appends the address it
// received the request from, so the header is read from the right: the leftmost entries are
// whatever the client chose to send and are never believed.
import { BlockList, isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { TrustProxy } from '../config/trust-proxy';

export type ClientAddressResolver = (peer: string | null, forwardedFor: string | undefined) => string | null;

// "::ffff:10.0.0.1" is how Node reports an IPv4 peer on a dual-stack socket.
const unmapped = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');

function forwardedChain(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

function proxyList(proxies: string[]): BlockList {
  const list = new BlockList();
  for (const entry of proxies) {
    const [address = '', bits] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
}

function isListed(list: BlockList, address: string): boolean {
  const plain = unmapped(address);
  const family = isIP(plain);
  if (family === 0) return false;
  return list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
}

export function clientAddressResolver(trust: TrustProxy): ClientAddressResolver {
  if (trust.kind === 'none') return (peer) => peer;
  if (trust.kind === 'hops') {
    // chain = [..., client, proxy 1 .. proxy N-1] + peer (proxy N): the client is N from the right.
    return (peer, header) => {
      const chain = [...forwardedChain(header), ...(peer === null ? [] : [peer])];
      if (chain.length === 0) return null;
      return chain[Math.max(0, chain.length - 1 - trust.hops)] ?? null;
    };
  }
  const trusted = proxyList(trust.proxies);
  return (peer, header) => {
    if (peer === null || !isListed(trusted, peer)) return peer;
    const chain = forwardedChain(header);
    for (let index = chain.length - 1; index >= 0; index--) {
      const entry = chain[index] as string;
      if (!isListed(trusted, entry)) return entry;
    }
    // Every hop is one of ours: the leftmost is as close to the client as we can know.
    return chain[0] ?? peer;
  };
}

function peerAddress(c: Context): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // not served by a Node socket (app.request in tests)
  }
}

/**
 * The client address of a request, as TRUST_PROXY says to read it. `headers`: the request's
 * headers by lower-case name, where the caller has them already.
 */
export function clientAddressOf(
  c: Context,
  resolve: ClientAddressResolver,
  headers?: Readonly<Record<string, string>>,
): string | null {
  const forwardedFor = headers ? headers['x-forwarded-for'] : c.req.header('x-forwarded-for');
  return resolve(peerAddress(c), forwardedFor);
}
