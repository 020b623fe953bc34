import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AdminClient, adminClient, expectProblem, walkPages } from '../support/admin-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestGateway, type TestGateway, testConfig } from '../support/gateway';

const HOOK = 'https://billing.internal.example/webhooks/payments';

describe('admin API: subscribers', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let api: AdminClient;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(testConfig(database), database);
    api = adminClient(gateway);
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });
  // No events are ingested in this file, so subscribers can simply be removed between tests.
  beforeEach(async () => {
    await database.handle.rows(sql`delete from subscribers`);
  });

  const create = (body: Record<string, unknown>) => api.post('/subscribers', body);

  describe('create', () => {
    it('answers 201 with a whsec_ secret and the defaults', async () => {
      const before = Date.now();
      const answer = await create({ url: HOOK });
      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({
        id: expect.stringMatching(/^sub_[0-9A-Z]{26}$/),
        url: HOOK,
        description: null,
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{32}$/),
        enabled: true,
        event_types: [],
        providers: [],
        accounts: [],
        format: 'event',
        livemode: 'all',
        headers: {},
        rate_limit: null,
        ordering: 'none',
        state: 'active',
        disabled_reason: null,
        failing_since: null,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      expect(Buffer.from(answer.body.secret.slice(6), 'base64')).toHaveLength(24);
      expect(Date.parse(answer.body.created_at)).toBeGreaterThanOrEqual(before - 1000);
    });

    it('keeps every given field and gives each subscriber its own secret', async () => {
      const body = {
        url: 'http://10.0.0.5:8080/ipn',
        description: 'legacy listener',
        event_types: ['payment.*', 'license.changed', 'subscription.*'],
        providers: ['2checkout'],
        format: 'raw',
        enabled: false,
      };
      const first = await create(body);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject(body);
      const second = await create(body);
      expect(second.body.secret).not.toBe(first.body.secret);
    });

    it.each([
      'ftp://x',
      'not a url',
      '/relative/path',
      'relative/path',
      'mailto:ops@example.com',
      'javascript:alert(1)',
      '',
    ])('refuses the url %j with 422', async (url) => {
      const answer = await create({ url });
      expectProblem(answer, 422);
      expect(answer.body.errors).toEqual([{ path: 'url', message: expect.any(String) }]);
    });

    it('refuses a missing url with 422', async () => {
      const answer = await create({ description: 'no url' });
      expectProblem(answer, 422);
      expect(answer.body.errors.map((error: { path: string }) => error.path)).toEqual(['url']);
    });

    it.each([
      [['payment.bogus']],
      [['bogus.*']],
      [['pay.*']],
      [['payment']],
      [['*']],
      [['']],
      [[42]],
      ['payment.*'],
    ])('refuses event_types %j with 422', async (eventTypes) => {
      const answer = await create({ url: HOOK, event_types: eventTypes });
      expectProblem(answer, 422);
      expect(answer.body.errors[0].path).toMatch(/^event_types/);
    });

    it('refuses an unknown provider with 422 naming it', async () => {
      const answer = await create({ url: HOOK, providers: ['paypal', 'stripe'] });
      expectProblem(answer, 422);
      expect(answer.body.errors).toEqual([
        { path: 'providers.1', message: expect.stringContaining('stripe') },
      ]);
    });

    it.each([
      [{ url: HOOK, format: 'xml' }],
      [{ url: HOOK, enabled: 'yes' }],
      [{ url: HOOK, secret: 'whsec_mine' }],
      [{ url: HOOK, description: 7 }],
    ])('refuses %j with 422', async (body) => {
      expectProblem(await create(body), 422);
    });

    it('answers malformed or non-JSON bodies with a 4xx problem, never 500', async () => {
      const cases: [string, Record<string, string>, number][] = [
        ['{"url": ', { 'content-type': 'application/json' }, 400],
        ['', { 'content-type': 'application/json' }, 400],
        ['url=https://example.com', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
        [JSON.stringify({ url: HOOK }), { 'content-type': 'text/plain' }, 415],
        ['[1,2]', { 'content-type': 'application/json' }, 422],
        ['null', { 'content-type': 'application/json' }, 422],
      ];
      for (const [body, headers, status] of cases) {
        expectProblem(await api.raw('POST', '/subscribers', body, headers), status);
        expectProblem(await api.raw('PATCH', '/subscribers/sub_x', body, headers), status);
      }
    });
  });

  describe('at most four enabled subscribers', () => {
    it('refuses a fifth enabled subscriber with 409', async () => {
      for (let index = 0; index < 4; index++) expect((await create({ url: HOOK })).status).toBe(201);
      const fifth = await create({ url: HOOK });
      expectProblem(fifth, 409);
      expect(fifth.body.detail).toMatch(/at most 4/);
    });

    it('lets exactly four of five concurrent creates succeed', async () => {
      const answers = await Promise.all(Array.from({ length: 5 }, () => create({ url: HOOK })));
      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses).toEqual([201, 201, 201, 201, 409]);
      const enabled = await database.handle.rows<{ count: number }>(
        sql`select count(*)::int as count from subscribers where enabled and deleted_at is null`,
      );
      expect(enabled[0]?.count).toBe(4);
    });

    it('allows a disabled fifth, refuses enabling it, allows it once a place is free', async () => {
      const enabled = [];
      for (let index = 0; index < 4; index++) enabled.push((await create({ url: HOOK })).body.id);
      const fifth = await create({ url: HOOK, enabled: false });
      expect(fifth.status).toBe(201);
      expect(fifth.body.enabled).toBe(false);

      expectProblem(await api.patch(`/subscribers/${fifth.body.id}`, { enabled: true }), 409);
      // Re-enabling an enabled one does not count itself.
      expect((await api.patch(`/subscribers/${enabled[0]}`, { enabled: true })).status).toBe(200);

      expect((await api.patch(`/subscribers/${enabled[0]}`, { enabled: false })).status).toBe(200);
      const now = await api.patch(`/subscribers/${fifth.body.id}`, { enabled: true });
      expect(now.status).toBe(200);
      expect(now.body.enabled).toBe(true);

      expect((await api.delete(`/subscribers/${enabled[1]}`)).status).toBe(204);
      expect((await api.patch(`/subscribers/${enabled[0]}`, { enabled: true })).status).toBe(200);
    });

    it('lets exactly one of concurrent enables take the last place', async () => {
      for (let index = 0; index < 3; index++) await create({ url: HOOK });
      const disabled = await Promise.all(
        Array.from({ length: 3 }, () => create({ url: HOOK, enabled: false })),
      );
      const answers = await Promise.all(
        disabled.map((answer) => api.patch(`/subscribers/${answer.body.id}`, { enabled: true })),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409]);
    });
  });

  describe('read, change, remove', () => {
    it('reads one and lists them without their secret', async () => {
      const created = (await create({ url: HOOK, description: 'billing' })).body;
      const { secret: _, ...withoutSecret } = created;
      const one = await api.get(`/subscribers/${created.id}`);
      expect(one.status).toBe(200);
      expect(one.body).toEqual(withoutSecret);
      const list = await api.get('/subscribers');
      expect(list.body).toEqual({ data: [withoutSecret], next_cursor: null });
    });

    it('answers 404 problems for unknown ids', async () => {
      expectProblem(await api.get('/subscribers/sub_01JD5Q8Z3R4B9T6W2X7Y0KMN1P'), 404);
      expectProblem(await api.get('/subscribers/sub_nope/secret'), 404);
      expectProblem(await api.patch('/subscribers/sub_nope', { description: 'x' }), 404);
      expectProblem(await api.delete('/subscribers/sub_nope'), 404);
      expectProblem(await api.post('/subscribers/sub_nope/rotate-secret'), 404);
    });

    it('changes the given fields only', async () => {
      const created = (await create({ url: HOOK, description: 'old', event_types: ['payment.*'] })).body;
      const changed = await api.patch(`/subscribers/${created.id}`, {
        url: 'https://other.example/hook',
        event_types: ['subscription.*', 'dispute.opened'],
        providers: ['paypal'],
        format: 'raw',
      });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({
        id: created.id,
        url: 'https://other.example/hook',
        description: 'old',
        enabled: true,
        event_types: ['subscription.*', 'dispute.opened'],
        providers: ['paypal'],
        format: 'raw',
        created_at: created.created_at,
      });
      expect(Date.parse(changed.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(created.updated_at));
      expect(changed.body.secret).toBeUndefined();

      const cleared = await api.patch(`/subscribers/${created.id}`, { description: null, event_types: [] });
      expect(cleared.body).toMatchObject({ description: null, event_types: [], providers: ['paypal'] });
      expect((await api.patch(`/subscribers/${created.id}`, {})).body.url).toBe('https://other.example/hook');
    });

    it('validates changes like a creation', async () => {
      const { id } = (await create({ url: HOOK })).body;
      expectProblem(await api.patch(`/subscribers/${id}`, { url: 'ftp://x' }), 422);
      expectProblem(await api.patch(`/subscribers/${id}`, { event_types: ['nope.*'] }), 422);
      expectProblem(await api.patch(`/subscribers/${id}`, { providers: ['stripe'] }), 422);
      expectProblem(await api.patch(`/subscribers/${id}`, { format: 'xml' }), 422);
      expectProblem(await api.patch(`/subscribers/${id}`, { id: 'sub_other' }), 422);
      expect((await api.get(`/subscribers/${id}`)).body.url).toBe(HOOK);
    });

    it('removes with 204; the subscriber is then gone but its row stays', async () => {
      const { id } = (await create({ url: HOOK })).body;
      const removed = await api.delete(`/subscribers/${id}`);
      expect(removed.status).toBe(204);
      expect(removed.body).toBeNull();
      expectProblem(await api.get(`/subscribers/${id}`), 404);
      expectProblem(await api.delete(`/subscribers/${id}`), 404);
      expectProblem(await api.patch(`/subscribers/${id}`, { enabled: true }), 404);
      expect((await api.get('/subscribers')).body.data).toEqual([]);
      const [row] = await database.handle.rows<{ enabled: boolean; deleted: boolean }>(
        sql`select enabled, deleted_at is not null as deleted from subscribers where id = ${id}`,
      );
      expect(row).toEqual({ enabled: false, deleted: true });
    });
  });

  describe('secrets', () => {
    it('shows the secret on its own endpoint', async () => {
      const created = (await create({ url: HOOK })).body;
      const secrets = await api.get(`/subscribers/${created.id}/secret`);
      expect(secrets.status).toBe(200);
      expect(secrets.body).toEqual({
        secret: created.secret,
        previous_secret: null,
        previous_secret_expires_at: null,
      });
    });

    it('rotates: a new secret, the previous one kept for about 24 hours', async () => {
      const created = (await create({ url: HOOK })).body;
      const rotated = await api.post(`/subscribers/${created.id}/rotate-secret`);
      expect(rotated.status).toBe(200);
      expect(rotated.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
      expect(rotated.body.secret).not.toBe(created.secret);
      const expiresIn = Date.parse(rotated.body.previous_secret_expires_at) - Date.now();
      expect(Math.abs(expiresIn - 24 * 3600_000)).toBeLessThan(60_000);

      const secrets = (await api.get(`/subscribers/${created.id}/secret`)).body;
      expect(secrets).toEqual({
        secret: rotated.body.secret,
        previous_secret: created.secret,
        previous_secret_expires_at: rotated.body.previous_secret_expires_at,
      });
      const [row] = await database.handle.rows<{ secret: string; previous_secret: string }>(
        sql`select secret, previous_secret from subscribers where id = ${created.id}`,
      );
      // At rest both are sealed (ENCRYPTION_KEY), never the plaintext.
      expect(row?.secret).toMatch(/^enc:v1:[0-9a-f]{8}:/);
      expect(row?.previous_secret).toMatch(/^enc:v1:[0-9a-f]{8}:/);
      expect(JSON.stringify(row)).not.toContain(rotated.body.secret.slice(6));
      expect(JSON.stringify(row)).not.toContain(created.secret.slice(6));
    });

    it('hides a previous secret once it has expired', async () => {
      const { id } = (await create({ url: HOOK })).body;
      await api.post(`/subscribers/${id}/rotate-secret`);
      await database.handle.rows(
        sql`update subscribers set previous_secret_expires_at = now() - interval '1 second' where id = ${id}`,
      );
      const secrets = (await api.get(`/subscribers/${id}/secret`)).body;
      expect(secrets.previous_secret).toBeNull();
      expect(secrets.previous_secret_expires_at).toBeNull();
    });
  });

  describe('pagination', () => {
    it('walks every subscriber newest first with limit=2, without repeats', async () => {
      const ids: string[] = [];
      for (let index = 0; index < 7; index++) {
        ids.push((await create({ url: `${HOOK}/${index}`, enabled: index < 2 })).body.id);
      }
      const walked = await walkPages(api, '/subscribers', 2);
      expect(walked.map((item) => item.id)).toEqual([...ids].reverse());
      const first = await api.get('/subscribers?limit=2');
      expect(first.body.data).toHaveLength(2);
      expect(first.body.next_cursor).toEqual(expect.any(String));
      const all = await api.get('/subscribers?limit=7');
      expect(all.body.data).toHaveLength(7);
      expect(all.body.next_cursor).toBeNull();
      expect((await api.get('/subscribers')).body.data).toHaveLength(7);
    });

    it.each([
      'limit=0',
      'limit=201',
      'limit=abc',
      'limit=1.5',
      'limit=-1',
      'cursor=not-a-cursor!',
      'cursor=Zm9v',
    ])('refuses %s with 422', async (query) => {
      const answer = await api.get(`/subscribers?${query}`);
      expectProblem(answer, 422);
      expect(answer.body.errors[0].path).toBe(query.split('=')[0]);
    });

    it('accepts limit=1 and limit=200', async () => {
      expect((await api.get('/subscribers?limit=1')).status).toBe(200);
      expect((await api.get('/subscribers?limit=200')).status).toBe(200);
    });
  });
});
