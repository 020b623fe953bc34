// The dashboard's session: a cookie holding HMAC(adminToken, 'dashboard-session'), never the token
// itself. It changes only when the admin token does; the CSRF token is derived from it.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { DASHBOARD_BASE } from './paths';

export const SESSION_COOKIE = 'ipn_dashboard_session';
const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

const hmac = (key: string, message: string) => createHmac('sha256', key).update(message).digest('base64url');
const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Compares hashes so the time taken says nothing about either value's length or content. */
export function sameSecret(presented: string, expected: string): boolean {
  return timingSafeEqual(sha256(presented), sha256(expected));
}

export interface SessionKeys {
  /** The cookie value a signed-in browser holds. */
  session: string;
  /** The hidden field every state-changing form carries. */
  csrfToken: string;
}

export function sessionKeys(adminToken: string): SessionKeys {
  const session = hmac(adminToken, 'dashboard-session');
  return { session, csrfToken: hmac(session, 'dashboard-csrf') };
}

export function hasValidSession(c: Context, keys: SessionKeys): boolean {
  const cookie = getCookie(c, SESSION_COOKIE);
  return cookie !== undefined && sameSecret(cookie, keys.session);
}

/** https directly, or behind a proxy that says so (Secure only ever narrows where it is sent). */
function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

export function startSession(c: Context, keys: SessionKeys): void {
  setCookie(c, SESSION_COOKIE, keys.session, {
    path: DASHBOARD_BASE,
    httpOnly: true,
    sameSite: 'Strict',
    secure: isHttps(c),
    maxAge: SESSION_MAX_AGE_SECONDS,
  });
}

export function endSession(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: DASHBOARD_BASE, secure: isHttps(c) });
}
