// A loopback relay to PostgreSQL that reads the client's side of the wire protocol and counts
// what a transaction-pooling PgBouncer cares about: named prepared statements (Parse messages
// with a statement name) and the text of every statement sent.
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';

export interface WireStats {
  /** Parse messages naming a statement: these break under transaction pooling. */
  namedParses: number;
  unnamedParses: number;
  /** Statement texts, from Parse and simple Query messages. */
  statements: string[];
}

export interface PgSniffer {
  port: number;
  stats: WireStats;
  close(): Promise<void>;
}

/** Splits the frontend byte stream into messages; the first one (startup) has no type byte. */
function frontendReader(onMessage: (type: string, payload: Buffer) => void): (chunk: Buffer) => void {
  let buffered = Buffer.alloc(0);
  let startup = true;
  return (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      const header = startup ? 4 : 5;
      if (buffered.length < header) return;
      const length = buffered.readInt32BE(startup ? 0 : 1);
      const total = (startup ? 0 : 1) + length;
      if (buffered.length < total) return;
      if (startup) {
        // An SSLRequest (code 80877103) is followed by another startup message.
        if (buffered.readInt32BE(4) !== 80_877_103) startup = false;
      } else {
        onMessage(String.fromCharCode(buffered[0] as number), buffered.subarray(5, total));
      }
      buffered = buffered.subarray(total);
    }
  };
}

function cstring(payload: Buffer, from: number): [string, number] {
  const end = payload.indexOf(0, from);
  return [payload.toString('utf8', from, end), end + 1];
}

export async function startPgSniffer(targetHost: string, targetPort: number): Promise<PgSniffer> {
  const stats: WireStats = { namedParses: 0, unnamedParses: 0, statements: [] };
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    const read = frontendReader((type, payload) => {
      if (type === 'P') {
        const [name, next] = cstring(payload, 0);
        const [text] = cstring(payload, next);
        if (name === '') stats.unnamedParses++;
        else stats.namedParses++;
        stats.statements.push(text);
      } else if (type === 'Q') {
        stats.statements.push(cstring(payload, 0)[0]);
      }
    });
    client.on('data', read);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stats,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
