// Dashboard sessions are server-side: the cookie holds a random value, the database holds its
// SHA-256 (a dump does not yield a usable cookie). Logging out deletes the row, so every copy of
// the cookie stops working; rows expire after SESSION_MAX_AGE_SECONDS (retention removes them).
// The CSRF token of forms is derived from the admin token; it changes only when the token does.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { DbHandle } from '../db/client';
import { DASHBOARD_BASE } from './paths';

export const SESSION_COOKIE = 'ipn_dashboard_session';
const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;
const COOKIE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const hmac = (key: string, message: string) => createHmac('sha256', key).update(message).digest('base64url');
const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Compares hashes so the time taken says nothing about either value's length or content. */
export function sameSecret(presented: string, expected: string): boolean {
  return timingSafeEqual(sha256(presented), sha256(expected));
}

export interface SessionKeys {
  /** The hidden field every state-changing form carries. */
  csrfToken: string;
}

export function sessionKeys(adminToken: string): SessionKeys {
  return { csrfToken: hmac(hmac(adminToken, 'dashboard-session'), 'dashboard-csrf') };
}

/** A signed-in browser: `ref` names it in the audit log without revealing the cookie. */
export interface DashboardSession {
  id: string;
  ref: string;
}

const SESSION_VARIABLE = 'dashboardSession';

const sessionIdOf = (cookie: string) => sha256(cookie).toString('hex');

function toSession(id: string): DashboardSession {
  return { id, ref: `dashboard:${id.slice(0, 12)}` };
}

export class SessionStore {
  constructor(private readonly db: DbHandle) {}

  /** A new session; returns the cookie value (kept nowhere on the server). */
  async create(): Promise<string> {
    const cookie = randomBytes(32).toString('base64url');
    await this.db.query(
      `insert into dashboard_sessions (id, expires_at) values ($1, now() + make_interval(secs => $2))`,
      [sessionIdOf(cookie), SESSION_MAX_AGE_SECONDS],
    );
    return cookie;
  }

  async find(cookie: string | undefined): Promise<DashboardSession | null> {
    if (cookie === undefined || !COOKIE_PATTERN.test(cookie)) return null;
    const id = sessionIdOf(cookie);
    const rows = await this.db.query(
      `select 1 from dashboard_sessions where id = $1 and expires_at > now()`,
      [id],
    );
    return rows.length > 0 ? toSession(id) : null;
  }

  async destroy(cookie: string | undefined): Promise<void> {
    if (cookie === undefined || !COOKIE_PATTERN.test(cookie)) return;
    await this.db.query(`delete from dashboard_sessions where id = $1`, [sessionIdOf(cookie)]);
  }
}

/** Looks the cookie up once per request; later calls read what the first one found. */
export async function sessionOf(c: Context, store: SessionStore): Promise<DashboardSession | null> {
  const known = currentSession(c);
  if (known !== undefined) return known;
  const session = await store.find(getCookie(c, SESSION_COOKIE));
  c.set(SESSION_VARIABLE as never, session as never);
  return session;
}

/** The session found earlier in this request (undefined: not looked up yet). */
export function currentSession(c: Context): DashboardSession | null | undefined {
  return (c.get as (key: string) => DashboardSession | null | undefined)(SESSION_VARIABLE);
}

/** The audit-log actor of a dashboard request. */
export function dashboardActor(c: Context): string {
  return currentSession(c)?.ref ?? 'dashboard';
}

/** https directly, or behind a proxy that says so (Secure only ever narrows where it is sent). */
function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

export async function startSession(c: Context, store: SessionStore): Promise<void> {
  setCookie(c, SESSION_COOKIE, await store.create(), {
    path: DASHBOARD_BASE,
    httpOnly: true,
    sameSite: 'Strict',
    secure: isHttps(c),
    maxAge: SESSION_MAX_AGE_SECONDS,
  });
}

export async function endSession(c: Context, store: SessionStore): Promise<void> {
  await store.destroy(getCookie(c, SESSION_COOKIE));
  deleteCookie(c, SESSION_COOKIE, { path: DASHBOARD_BASE, secure: isHttps(c) });
}
