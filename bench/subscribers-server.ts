// Stand-in subscribers for the bench, in a process of their own: SUBSCRIBERS servers on loopback
// ports. Each reads the delivered JSON's transaction id and reports (subscriber, id, arrival time)
// to the parent over IPC in batches; it answers 200 at once, or never when listed in HANGING.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const count = Number(process.env.SUBSCRIBERS ?? 4);
const hanging = new Set((process.env.HANGING ?? '').split(',').filter(Boolean).map(Number));
const TRANSACTION_ID = /"transaction_id":"([^"]*)"/;

// [subscriber, transaction id, arrival (ms since the epoch, sub-millisecond)]
let batch: [number, string, number][] = [];
let sampleSent = false;
const now = () => performance.timeOrigin + performance.now();

function serve(index: number): Promise<Server> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = now();
      const body = Buffer.concat(chunks).toString();
      if (!sampleSent) {
        sampleSent = true;
        process.send?.({ type: 'sample', body });
      }
      batch.push([index, TRANSACTION_ID.exec(body)?.[1] ?? '', at]);
      if (hanging.has(index)) return; // keeps the connection open and never answers
      response.writeHead(200, { 'content-length': '0' });
      response.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.requestTimeout = 0; // a hanging subscriber must really hang
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const servers = await Promise.all(Array.from({ length: count }, (_, index) => serve(index)));
setInterval(() => {
  if (batch.length === 0) return;
  process.send?.({ type: 'arrivals', arrivals: batch });
  batch = [];
}, 20);
const ports = servers.map((server) => (server.address() as AddressInfo).port);
console.log(`subscribers listening on ${ports.join(',')}`);
process.on('disconnect', () => process.exit(0));
process.once('SIGTERM', () => {
  for (const server of servers) server.closeAllConnections();
  process.exit(0);
});
