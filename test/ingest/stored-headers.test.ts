// The headers stored with a message are read from Node's raw header list: they must come out as
// Fetch's Headers would give them (lower-case names, repeats joined), without credentials.
import { request } from 'node:http';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fixture } from '../support/fixtures';
import { startTestGateway, type TestGateway, testConfig } from '../support/gateway';

/** Posts with node:http so a header can be sent twice, as separate lines. */
function postRaw(url: string, body: Buffer, headers: Record<string, string | string[]>): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe('headers stored with an inbound message', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let stored: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(testConfig(database), database);
    const body = fixture('2checkout', 'ipn-pending.txt');
    const status = await postRaw(`${gateway.url}/ipn/2checkout`, body, {
      'Content-Type': 'application/x-www-form-urlencoded',
      'Content-Length': String(body.length),
      Authorization: 'Bearer not-for-the-database',
      Cookie: 'session=secret',
      'Proxy-Authorization': 'Basic c2VjcmV0',
      'X-Repeated': ['first', 'second'],
      'X-Mixed-Case': 'Kept As Sent',
      'X-Padded': '  padded  ',
      Constructor: 'an ordinary header name',
    });
    expect(status).toBe(200);
    const [row] = await database.handle.rows<{ headers: Record<string, string> }>(
      sql`select headers from inbound_messages order by id desc limit 1`,
    );
    stored = row?.headers ?? {};
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });

  it('leaves out credentials', () => {
    expect(stored).not.toHaveProperty('authorization');
    expect(stored).not.toHaveProperty('cookie');
    expect(stored).not.toHaveProperty('proxy-authorization');
  });

  it('lower-cases names, keeps values as sent (trimmed) and joins repeats with ", "', () => {
    expect(stored['x-mixed-case']).toBe('Kept As Sent');
    expect(stored['x-repeated']).toBe('first, second');
    expect(stored['x-padded']).toBe('padded');
    expect(stored['content-type']).toBe('application/x-www-form-urlencoded');
    expect(stored.host).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('stores a header whose name is also an Object property', () => {
    expect(stored.constructor).toBe('an ordinary header name');
  });
});
