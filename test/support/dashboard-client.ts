// Drives the dashboard with plain fetch: logs in, reads pages, posts forms with the CSRF token.
import { TEST_ADMIN_TOKEN } from './gateway';

export interface Page {
  status: number;
  headers: Headers;
  html: string;
}

export interface DashboardClient {
  /** The `name=value` session cookie after login. */
  cookie: string;
  get(path: string): Promise<Page>;
  /** Posts a form with the CSRF token of the signed-in session (unless `_csrf` is given). */
  post(
    path: string,
    fields?: Record<string, string | string[]>,
    headers?: Record<string, string>,
  ): Promise<Page>;
}

async function page(response: Response): Promise<Page> {
  return { status: response.status, headers: response.headers, html: await response.text() };
}

export function formBody(fields: Record<string, string | string[]>): string {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
  }
  return body.toString();
}

export function postForm(
  url: string,
  fields: Record<string, string | string[]>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: formBody(fields),
  });
}

export function csrfTokenIn(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no CSRF token in the page');
  return token;
}

/** Text of the page without tags (entities of quotes and ampersands decoded), for assertions. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

export async function loginToDashboard(baseUrl: string, token = TEST_ADMIN_TOKEN): Promise<DashboardClient> {
  const login = await postForm(`${baseUrl}/dashboard/login`, { token });
  if (login.status !== 302) throw new Error(`login answered ${login.status}`);
  const cookie = login.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('login set no cookie');
  const get = async (path: string) =>
    page(await fetch(`${baseUrl}${path}`, { redirect: 'manual', headers: { cookie } }));
  const overview = await get('/dashboard');
  const csrf = csrfTokenIn(overview.html);
  return {
    cookie,
    get,
    post: async (path, fields = {}, headers = {}) =>
      page(await postForm(`${baseUrl}${path}`, { _csrf: csrf, ...fields }, { cookie, ...headers })),
  };
}
