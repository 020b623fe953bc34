import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, expectProblem } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestGateway, type TestGateway, testConfig } from '../support/gateway';

describe('admin API authentication and OpenAPI document', () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(testConfig(database), database);
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });

  it.each([
    ['no authorization header', {}],
    ['a wrong token', { authorization: 'Bearer not-the-token' }],
    ['a prefix of the token', { authorization: 'Bearer test-admin' }],
    ['another scheme', { authorization: 'Basic dGVzdDp0ZXN0' }],
    ['an empty bearer', { authorization: 'Bearer ' }],
  ])('answers 401 problem with WWW-Authenticate for %s', async (_, headers: Record<string, string>) => {
    for (const path of ['/api/subscribers', '/api/events', '/api/deliveries/dlv_x', '/api/no-such-route']) {
      const response = await fetch(`${gateway.url}${path}`, { headers });
      expect(response.status, path).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
    }
  });

  it('refuses writes without the token', async () => {
    const response = await fetch(`${gateway.url}/api/subscribers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://example.com/hook' }),
    });
    expect(response.status).toBe(401);
  });

  it('lets the admin token through', async () => {
    const answer = await adminClient(gateway).get('/subscribers');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: [], next_cursor: null });
  });

  it('answers an unknown /api route with a 404 problem once authenticated', async () => {
    expectProblem(await adminClient(gateway).get('/no-such-route'), 404);
  });

  it('serves a reference page at /api/docs, from the same document, without a token', async () => {
    const response = await fetch(`${gateway.url}/api/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    for (const path of [
      '/api/subscribers',
      '/api/deliveries/{id}/retry',
      '/api/messages/{id}',
      '/api/openapi.json',
    ]) {
      expect(html).toContain(path);
    }
    expect(html).toContain('Schemas');
    expect(html).not.toContain('<script');
  });

  it('serves the OpenAPI 3.1 document without a token', async () => {
    const response = await fetch(`${gateway.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: the generated document is inspected loosely
    const document: any = await response.json();
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(document.info.title).toBe('ipn-gateway admin API');
    expect(document.servers).toEqual([{ url: '/api' }]);
    expect(document.components.securitySchemes.adminToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.security).toEqual([{ adminToken: [] }]);
    expect(Object.keys(document.paths).sort()).toEqual(
      [
        '/deliveries',
        '/deliveries/retry',
        '/deliveries/{id}',
        '/deliveries/{id}/retry',
        '/events',
        '/events/{id}',
        '/messages',
        '/messages/{id}',
        '/payments',
        '/payments/{provider}/{transaction_id}',
        '/subscribers',
        '/subscribers/{id}',
        '/subscribers/{id}/recover',
        '/subscribers/{id}/rotate-secret',
        '/subscribers/{id}/secret',
        '/subscribers/{id}/test',
        '/erasures',
        '/audit-log',
      ].sort(),
    );
    expect(Object.keys(document.paths['/subscribers/{id}']).sort()).toEqual(['delete', 'get', 'patch']);
    const created = document.paths['/subscribers'].post.responses['201'];
    expect(created.content['application/json'].schema.$ref).toBe('#/components/schemas/CreatedSubscriber');
    for (const name of ['Problem', 'Event', 'Delivery', 'Attempt', 'Message', 'Subscriber']) {
      expect(document.components.schemas[name], name).toBeDefined();
    }
    const limit = document.paths['/events'].get.parameters.find(
      (parameter: { name: string }) => parameter.name === 'limit',
    );
    expect(limit).toMatchObject({ in: 'query', schema: { minimum: 1, maximum: 200, default: 50 } });
  });
});
