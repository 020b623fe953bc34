// Calls the admin API of a test gateway with the admin token, parsing JSON answers.

import { expect } from 'vitest';
import type { TestGateway } from './gateway';
import { TEST_ADMIN_TOKEN } from './gateway';

export interface ApiAnswer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect whatever JSON came back
  body: any;
}

export interface AdminClient {
  get(path: string): Promise<ApiAnswer>;
  post(path: string, body?: unknown): Promise<ApiAnswer>;
  patch(path: string, body: unknown): Promise<ApiAnswer>;
  delete(path: string): Promise<ApiAnswer>;
  /** Sends `body` as is, with the given headers (for malformed requests). */
  raw(method: string, path: string, body: string, headers: Record<string, string>): Promise<ApiAnswer>;
}

async function answer(response: Response): Promise<ApiAnswer> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? null : JSON.parse(text) };
}

export function adminClient(gateway: TestGateway, token = TEST_ADMIN_TOKEN): AdminClient {
  const send = (method: string, path: string, body: string | undefined, headers: Record<string, string>) =>
    fetch(`${gateway.url}/api${path}`, {
      method,
      body,
      headers: { authorization: `Bearer ${token}`, ...headers },
    }).then(answer);
  const json = (method: string, path: string, body: unknown) =>
    send(
      method,
      path,
      body === undefined ? undefined : JSON.stringify(body),
      body === undefined ? {} : { 'content-type': 'application/json' },
    );
  return {
    get: (path) => send('GET', path, undefined, {}),
    post: (path, body) => json('POST', path, body),
    patch: (path, body) => json('PATCH', path, body),
    delete: (path) => send('DELETE', path, undefined, {}),
    raw: (method, path, body, headers) => send(method, path, body, headers),
  };
}

/** Follows next_cursor from the first page to the last, returning every item in order. */
// biome-ignore lint/suspicious/noExplicitAny: list items of any resource
export async function walkPages(client: AdminClient, path: string, limit: number): Promise<any[]> {
  // biome-ignore lint/suspicious/noExplicitAny: list items of any resource
  const items: any[] = [];
  const separator = path.includes('?') ? '&' : '?';
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const { status, body } = await client.get(`${path}${separator}limit=${limit}${query}`);
    if (status !== 200) throw new Error(`page ${page} answered ${status}: ${JSON.stringify(body)}`);
    expect(body.data.length).toBeLessThanOrEqual(limit);
    items.push(...body.data);
    cursor = body.next_cursor;
    if (cursor === null) return items;
  }
  throw new Error('pagination did not end');
}

export function expectProblem(answer: ApiAnswer, status: number): void {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toContain('application/problem+json');
  expect(answer.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  expect(answer.body.type).toEqual(expect.any(String));
}

// Plain helpers for tests that only need a base URL.

export interface SubscriberInput {
  url: string;
  description?: string;
  event_types?: string[];
  providers?: string[];
  accounts?: string[];
  format?: 'event' | 'raw';
  enabled?: boolean;
  livemode?: 'all' | 'live' | 'test';
  headers?: Record<string, string>;
  rate_limit?: number | null;
  ordering?: 'none' | 'transaction';
}

export interface CreatedSubscriber {
  id: string;
  url: string;
  secret: string;
  enabled: boolean;
  format: string;
}

export async function api(baseUrl: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${baseUrl}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export async function createSubscriber(baseUrl: string, input: SubscriberInput): Promise<CreatedSubscriber> {
  const response = await api(baseUrl, 'POST', '/subscribers', input);
  if (response.status !== 201)
    throw new Error(`create subscriber: ${response.status} ${await response.text()}`);
  return (await response.json()) as CreatedSubscriber;
}

export async function apiJson<T>(baseUrl: string, path: string): Promise<T> {
  const response = await api(baseUrl, 'GET', path);
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** An API call that must answer `status`; returns the JSON body. */
export async function apiCall<T>(
  baseUrl: string,
  method: string,
  path: string,
  body: unknown,
  status: number,
): Promise<T> {
  const response = await api(baseUrl, method, path, body);
  const text = await response.text();
  if (response.status !== status) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text === '' ? null : JSON.parse(text)) as T;
}
