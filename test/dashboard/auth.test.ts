import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardClient, loginToDashboard, postForm, textOf } from '../support/dashboard-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway, testConfig } from '../support/gateway';

describe('dashboard: login, session cookie and CSRF', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let dashboard: DashboardClient;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway(testConfig(database), database);
    dashboard = await loginToDashboard(gateway.url);
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });

  it.each([
    '/dashboard',
    '/dashboard/events',
    '/dashboard/subscribers',
    '/dashboard/messages/msg_x',
    '/dashboard/nowhere',
  ])('GET %s without a cookie redirects to the login page', async (path) => {
    const response = await fetch(`${gateway.url}${path}`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(/^\/dashboard\/login(\?|$)/);
  });

  it('a forged or stale cookie is not a session', async () => {
    const response = await fetch(`${gateway.url}/dashboard/events`, {
      redirect: 'manual',
      headers: { cookie: `ipn_dashboard_session=${TEST_ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(302);
  });

  it('shows the login form', async () => {
    const response = await fetch(`${gateway.url}/dashboard/login`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('name="token"');
  });

  it('a wrong token answers the form again with an error and 401, and no cookie', async () => {
    const response = await postForm(`${gateway.url}/dashboard/login`, { token: 'not-the-token' });
    expect(response.status).toBe(401);
    expect(response.headers.get('set-cookie')).toBeNull();
    const html = await response.text();
    expect(textOf(html)).toContain('That is not the admin token.');
    expect(html).toContain('name="token"');
  });

  it('the right token sets an httpOnly, SameSite=Strict session cookie that is not the token', async () => {
    const response = await postForm(`${gateway.url}/dashboard/login`, { token: TEST_ADMIN_TOKEN });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/dashboard');
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^ipn_dashboard_session=[\w-]{20,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/dashboard');
    expect(cookie).not.toContain('Secure'); // plain http here
    expect(cookie).not.toContain(TEST_ADMIN_TOKEN);
  });

  it('marks the cookie Secure when the request came over https (proxy header)', async () => {
    const response = await postForm(
      `${gateway.url}/dashboard/login`,
      { token: TEST_ADMIN_TOKEN },
      { 'x-forwarded-proto': 'https' },
    );
    expect(response.headers.get('set-cookie')).toContain('Secure');
  });

  it('returns to the page asked for before login, but never to another site', async () => {
    const redirect = await fetch(`${gateway.url}/dashboard/events?provider=2checkout`, {
      redirect: 'manual',
    });
    const loginPath = redirect.headers.get('location') ?? '';
    const next = new URL(loginPath, gateway.url).searchParams.get('next');
    expect(next).toBe('/dashboard/events?provider=2checkout');
    const back = await postForm(`${gateway.url}/dashboard/login`, {
      token: TEST_ADMIN_TOKEN,
      next: next ?? '',
    });
    expect(back.headers.get('location')).toBe('/dashboard/events?provider=2checkout');
    const away = await postForm(`${gateway.url}/dashboard/login`, {
      token: TEST_ADMIN_TOKEN,
      next: '//evil.example/x',
    });
    expect(away.headers.get('location')).toBe('/dashboard');
  });

  it('with the cookie the pages render', async () => {
    const overview = await dashboard.get('/dashboard');
    expect(overview.status).toBe(200);
    expect(overview.headers.get('content-type')).toContain('text/html');
    expect(overview.headers.get('cache-control')).toBe('no-store');
    expect(textOf(overview.html)).toContain('Overview');
  });

  it('unknown pages are a 404 page; a trailing slash is dropped', async () => {
    const missing = await dashboard.get('/dashboard/nowhere');
    expect(missing.status).toBe(404);
    expect(textOf(missing.html)).toContain('There is no dashboard page at /dashboard/nowhere.');
    const slash = await dashboard.get('/dashboard/events/');
    expect(slash.status).toBe(301);
    expect(slash.headers.get('location')).toMatch(/\/dashboard\/events$/);
  });

  it('a POST without the CSRF token is refused with 403', async () => {
    const answer = await dashboard.post('/dashboard/logout', { _csrf: '' });
    expect(answer.status).toBe(403);
    const missing = await postForm(
      `${gateway.url}/dashboard/subscribers`,
      { url: 'http://example.com/' },
      { cookie: dashboard.cookie },
    );
    expect(missing.status).toBe(403);
  });

  it('a POST from another origin is refused with 403, even with the token', async () => {
    const answer = await dashboard.post(
      '/dashboard/subscribers',
      { url: 'http://example.com/hook', enabled: 'on' },
      { origin: 'http://evil.example' },
    );
    expect(answer.status).toBe(403);
    const list = await dashboard.get('/dashboard/subscribers');
    expect(list.html).not.toContain('http://example.com/hook');
  });

  it('a POST from the same origin with the token is accepted', async () => {
    const answer = await dashboard.post(
      '/dashboard/deliveries/dlv_missing/retry',
      {},
      { origin: gateway.url },
    );
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toContain('error=');
  });

  it('logout (POST) clears the cookie', async () => {
    const answer = await dashboard.post('/dashboard/logout');
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toMatch(/^\/dashboard\/login/);
    expect(answer.headers.get('set-cookie')).toMatch(/ipn_dashboard_session=;.*Max-Age=0/);
  });

  it('serves its stylesheet without a session', async () => {
    const response = await fetch(`${gateway.url}/dashboard/assets/dashboard.css`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/css');
  });
});
