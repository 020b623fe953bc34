// Middleware in front of every dashboard route: cross-origin POSTs, the session cookie and the
// CSRF token of state-changing forms.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { readForm } from './form';
import { DASHBOARD_BASE, dashboardHref } from './paths';
import { type SessionKeys, type SessionStore, sameSecret, sessionOf } from './session';

export const CSRF_FIELD = '_csrf';
const MAX_FORM_BYTES = 64 * 1024;

/** Paths reachable without a session (relative to the dashboard). */
const PUBLIC_PATHS = new Set(['/login', '/assets/dashboard.css', '/assets/dashboard.js']);

const relativePath = (path: string) => path.slice(DASHBOARD_BASE.length) || '/';
const isPost = (method: string) => method === 'POST';

const sameHost = (origin: string, requestUrl: string) =>
  URL.canParse(origin) && new URL(origin).host === new URL(requestUrl).host;

/** A POST whose Origin header names another host is refused (hono's csrf() does the check). */
export function originGuard(): MiddlewareHandler {
  const checkOrigin = csrf({ origin: (origin, c) => sameHost(origin, c.req.url) });
  return async (c, next) => {
    if (!isPost(c.req.method) || c.req.header('origin') === undefined) return next();
    return checkOrigin(c, next);
  };
}

export function formSizeGuard(): MiddlewareHandler {
  return bodyLimit({
    maxSize: MAX_FORM_BYTES,
    onError: () => {
      throw new HTTPException(413, { message: 'The form is too large.' });
    },
  });
}

/** Without a valid session cookie every page redirects to the login form. */
export function sessionGuard(sessions: SessionStore): MiddlewareHandler {
  return async (c, next) => {
    const path = relativePath(c.req.path);
    if (PUBLIC_PATHS.has(path) || (await sessionOf(c, sessions)) !== null) return next();
    const back =
      c.req.method === 'GET' && path !== '/' ? `${c.req.path}${new URL(c.req.url).search}` : undefined;
    return c.redirect(dashboardHref('/login', { next: back }), 302);
  };
}

/** Every POST after login must carry the CSRF token in its form. */
export function csrfTokenGuard(keys: SessionKeys): MiddlewareHandler {
  return async (c, next) => {
    if (!isPost(c.req.method) || relativePath(c.req.path) === '/login') return next();
    const form = await readForm(c);
    if (!sameSecret(form.text(CSRF_FIELD), keys.csrfToken)) {
      throw new HTTPException(403, {
        message: 'This form did not come from the dashboard or has expired. Reload the page and try again.',
      });
    }
    return next();
  };
}
