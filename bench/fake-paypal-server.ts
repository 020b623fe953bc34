// PayPal's postback endpoint for the bench, in a process of its own: answers VERIFIED to every
// `cmd=_notify-validate&...` POST and counts them (printed on SIGTERM and on SIGUSR2).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let postbacks = 0;
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    postbacks++;
    response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '8' });
    response.end('VERIFIED');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`fake PayPal listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.on('SIGUSR2', () => console.log(`postbacks ${postbacks}`));
process.once('SIGTERM', () => {
  console.log(`postbacks ${postbacks}`);
  server.closeAllConnections();
  process.exit(0);
});
