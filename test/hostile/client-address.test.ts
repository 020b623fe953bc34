// TRUST_PROXY: the client address is read from the right of X-Forwarded-For, never the
// client-written left; and the per-address connection cap.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config';
import { clientAddressResolver } from '../../src/http/client-address';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestGateway, type TestGateway, testConfig, waitFor } from '../support/gateway';

const resolverFor = (value: string) => clientAddressResolver(loadConfig({ TRUST_PROXY: value }).trustProxy);

describe('TRUST_PROXY', () => {
  it('false (default): the TCP peer, whatever the header says', () => {
    expect(resolverFor('false')('10.0.0.5', '1.2.3.4')).toBe('10.0.0.5');
    expect(loadConfig({}).trustProxy).toEqual({ kind: 'none' });
  });

  it('a hop count: the entry that many hops from the right', () => {
    const one = resolverFor('1');
    expect(one('10.0.0.5', '203.0.113.9')).toBe('203.0.113.9');
    // The client wrote "6.6.6.6"; the proxy appended the address it saw.
    expect(one('10.0.0.5', '6.6.6.6, 203.0.113.9')).toBe('203.0.113.9');
    expect(one('10.0.0.5', undefined)).toBe('10.0.0.5');
    const two = resolverFor('2');
    expect(two('10.0.0.5', '6.6.6.6, 203.0.113.9, 10.0.0.4')).toBe('203.0.113.9');
    expect(resolverFor('true')('10.0.0.5', '6.6.6.6, 203.0.113.9')).toBe('203.0.113.9');
  });

  it('a list of proxies (addresses or ranges): the rightmost address that is not one of them', () => {
    const listed = resolverFor('10.0.0.0/8, 192.168.1.1, ::1');
    expect(listed('10.0.0.5', '6.6.6.6, 203.0.113.9, 10.1.2.3')).toBe('203.0.113.9');
    expect(listed('::ffff:10.0.0.5', '203.0.113.9')).toBe('203.0.113.9');
    expect(listed('::1', '2001:db8::7')).toBe('2001:db8::7');
    // A peer that is not a listed proxy is the client; its header is ignored.
    expect(listed('198.51.100.2', '6.6.6.6')).toBe('198.51.100.2');
    expect(listed('10.0.0.5', '192.168.1.1')).toBe('192.168.1.1');
  });

  it('a bad value is one clear configuration error', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'yes please' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/99' })).toThrow(/TRUST_PROXY/);
  });
});

describe('connection caps', () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(testConfig(database, { MAX_CONNECTIONS_PER_ADDRESS: '5' }), database);
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });

  it('refuses an address its sixth concurrent connection, and accepts it again once one closes', async () => {
    const { port } = new URL(gateway.url);
    const open = (): Promise<{ socket: Socket; closed: Promise<void> }> =>
      new Promise((resolve) => {
        const socket = connect(Number(port), '127.0.0.1');
        socket.on('error', () => {});
        const closed = new Promise<void>((done) => socket.on('close', () => done()));
        socket.on('connect', () => resolve({ socket, closed }));
      });
    const held = [];
    for (let index = 0; index < 5; index++) held.push(await open());
    const sixth = await open();
    await sixth.closed; // destroyed by the server
    held[0]?.socket.destroy();
    await held[0]?.closed;
    // Once the server has seen the close, the address has room again.
    const response = await waitFor(
      async () => {
        try {
          return await fetch(`${gateway.url}/healthz`);
        } catch {
          return undefined;
        }
      },
      { what: 'a connection accepted again' },
    );
    expect(response.status).toBe(200);
    for (const entry of held) entry.socket.destroy();
  });
});
