// Provider endpoints set X-Request-Id themselves (src/http/request-id.ts): same rule as the
// middleware the other routes use, and no WHATWG Headers object built for the answer.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fixture } from '../support/fixtures';
import { startTestGateway, type TestGateway, testConfig } from '../support/gateway';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('X-Request-Id on provider endpoints', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  const pending = () => fixture('2checkout', 'ipn-pending.txt');

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(testConfig(database), database);
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });

  it('answers a notification with a new id and the provider answer', async () => {
    const response = await gateway.post('/ipn/2checkout', pending());
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(UUID);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toMatch(/^<sig algo="sha3-256" date="\d{14}">[0-9a-f]{64}<\/sig>$/);
  });

  it('keeps the caller id when it is a plain token, and replaces one that is not', async () => {
    const kept = await gateway.post('/ipn/2checkout', pending(), { 'x-request-id': 'trace-42=ab_C' });
    expect(kept.headers.get('x-request-id')).toBe('trace-42=ab_C');
    for (const given of ['two words', 'x'.repeat(256), 'semi;colon']) {
      const replaced = await gateway.post('/ipn/2checkout', pending(), { 'x-request-id': given });
      expect(replaced.headers.get('x-request-id')).toMatch(UUID);
    }
  });

  it('answers the GET a 2Checkout endpoint accepts (its URL check) with an id too', async () => {
    const response = await fetch(`${gateway.url}/ipn/2checkout`, { headers: { 'x-request-id': 'probe-7' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('probe-7');
    expect(await response.text()).toBe('');
  });

  it('carries the id on problem answers too', async () => {
    const response = await gateway.post('/ipn/2checkout', Buffer.from('REFNO=1&IPN_DATE=1'), {
      'x-request-id': 'problem-1',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('x-request-id')).toBe('problem-1');
  });

  describe('Headers objects built while answering', () => {
    const original = globalThis.Headers;
    let built = 0;
    afterEach(() => {
      globalThis.Headers = original;
    });
    const counting = () => {
      built = 0;
      globalThis.Headers = class CountedHeaders extends original {
        constructor(init?: ConstructorParameters<typeof Headers>[0]) {
          super(init);
          built++;
        }
      };
    };

    it('builds none for a notification', async () => {
      counting();
      const response = await gateway.post('/ipn/2checkout', pending());
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toMatch(UUID);
      expect(built).toBe(0);
    });

    it('(control: the other routes do build them, so the count works)', async () => {
      counting();
      const response = await fetch(`${gateway.url}/healthz`);
      expect(response.headers.get('x-request-id')).toMatch(UUID);
      expect(built).toBeGreaterThan(0);
    });
  });
});
