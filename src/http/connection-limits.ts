// Hostile-traffic limits on the Node HTTP server: every request must arrive whole within the
// request timeout (headers within the headers timeout), idle keep-alive sockets are closed, and
// no address (nor everyone together) may hold more than a fixed number of sockets.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
  maxConnectionsPerAddress: number;
}

/** Options for http.createServer; Node checks the two timeouts every `connectionsCheckingInterval`. */
export function serverTimeoutOptions(limits: ConnectionLimits) {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node's default (30 s) would let a trickled request live that much past its timeout.
    connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
  };
}

/**
 * Caps sockets overall (Node drops those over `maxConnections`) and per remote address.
 * `onRefused` gets the number refused since its last call, at most once a minute (no log floods).
 */
export function applyConnectionLimits(
  server: Server,
  limits: ConnectionLimits,
  onRefused?: (count: number) => void,
): void {
  let refused = 0;
  let reportedAt = 0;
  const refuse = () => {
    refused++;
    const now = Date.now();
    if (onRefused && now - reportedAt >= 60_000) {
      onRefused(refused);
      refused = 0;
      reportedAt = now;
    }
  };
  server.maxConnections = limits.maxConnections;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = (open.get(address) ?? 0) + 1;
    if (count > limits.maxConnectionsPerAddress) {
      refuse();
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
