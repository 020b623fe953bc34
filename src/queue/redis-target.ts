// What REDIS_URL names: one Redis, or (REDIS_CLUSTER=true) a Redis Cluster given by a node list.
// Cluster mode travels through the gateway as one string, `cluster+redis://h1:7000,h2:7001`, so
// everything that opens a connection from the configured URL gets a cluster client without
// knowing about clusters.
const CLUSTER_MARK = 'cluster+';
const SCHEMES = ['redis:', 'rediss:'];

export interface RedisNode {
  host: string;
  port: number;
}

export interface RedisTarget {
  cluster: boolean;
  /** The URL itself for a single Redis; the first node for a cluster. */
  url: string;
  nodes: RedisNode[];
  username?: string;
  password?: string;
  tls: boolean;
}

function nodeOf(url: URL): RedisNode {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1'); // an IPv6 literal without its brackets
  return { host: host || '127.0.0.1', port: Number(url.port || 6379) };
}

/**
 * Reads `redis://[user:pass@]h1:7000,h2:7001,...`: the first entry is a URL, later ones are
 * `host:port` (or full URLs) sharing its scheme and credentials.
 */
export function parseNodeList(text: string): { first: URL; nodes: RedisNode[] } | { problem: string } {
  const parts = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  const urls: URL[] = [];
  for (const [index, part] of parts.entries()) {
    const first = urls[0];
    const candidate = index === 0 || part.includes('://') ? part : `${first?.protocol}//${part}`;
    let url: URL;
    try {
      url = new URL(candidate);
    } catch {
      return { problem: `"${part}" is not a redis:// URL or host:port` };
    }
    if (!SCHEMES.includes(url.protocol)) return { problem: 'must be a redis or rediss URL' };
    if (index > 0 && !url.port) return { problem: `"${part}" needs a port (host:port)` };
    urls.push(url);
  }
  const first = urls[0];
  if (!first) return { problem: 'is empty' };
  return { first, nodes: urls.map(nodeOf) };
}

/** The connection string the gateway passes around for a cluster node list. */
export function clusterConnectionString(nodeList: string): string {
  return `${CLUSTER_MARK}${nodeList.trim()}`;
}

export function parseRedisTarget(connection: string): RedisTarget {
  const cluster = connection.startsWith(CLUSTER_MARK);
  const text = cluster ? connection.slice(CLUSTER_MARK.length) : connection;
  const parsed = parseNodeList(text);
  if ('problem' in parsed) throw new Error(`Redis connection ${text}: ${parsed.problem}`);
  const { first, nodes } = parsed;
  return {
    cluster,
    url: cluster ? first.toString() : text,
    nodes,
    username: first.username ? decodeURIComponent(first.username) : undefined,
    password: first.password ? decodeURIComponent(first.password) : undefined,
    tls: first.protocol === 'rediss:',
  };
}

/**
 * Redis Cluster hashes only the part of a key between the first `{` and the next `}`, when that
 * part is not empty: a prefix with such a tag keeps all of a BullMQ queue's keys in one slot, which
 * its multi-key scripts need.
 */
export function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  if (open < 0) return false;
  const close = prefix.indexOf('}', open + 1);
  return close > open + 1;
}
