// Where the dashboard lives and how its links are built.
export const DASHBOARD_BASE = '/dashboard';

export type QueryValues = Record<string, string | number | null | undefined>;

/** `/dashboard<path>` with the non-empty query values appended. */
export function dashboardHref(path: string, query: QueryValues = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return `${DASHBOARD_BASE}${path}${search ? `?${search}` : ''}`;
}

/** A return address from a form: only a dashboard path, never another site. */
export function safeReturnPath(value: unknown, fallback: string): string {
  if (typeof value !== 'string') return fallback;
  const isDashboardPath =
    (value === DASHBOARD_BASE ||
      value.startsWith(`${DASHBOARD_BASE}/`) ||
      value.startsWith(`${DASHBOARD_BASE}?`)) &&
    !value.includes('\\') &&
    !/[\r\n]/.test(value);
  return isDashboardPath ? value : fallback;
}

function flashFree(path: string): URL {
  const url = new URL(path, 'http://dashboard.invalid');
  url.searchParams.delete('notice');
  url.searchParams.delete('error');
  return url;
}

/** The path without its flash message (where a form should come back to). */
export function withoutFlash(path: string): string {
  const url = flashFree(path);
  return `${url.pathname}${url.search}`;
}

/** Adds (or replaces) a flash message on a dashboard path. */
export function withFlash(path: string, kind: 'notice' | 'error', message: string): string {
  const url = flashFree(path);
  url.searchParams.set(kind, message);
  return `${url.pathname}${url.search}`;
}
