// Bearer-token gate for the admin API. Both sides are hashed first so the comparison is
// constant-time whatever the presented token's length.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { problemResponse } from './problem';

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

function tokenMatches(presented: string, expectedDigest: Buffer): boolean {
  return timingSafeEqual(sha256(presented), expectedDigest);
}

function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

export function adminAuth(adminToken: string): MiddlewareHandler {
  const expectedDigest = sha256(adminToken);
  return async (c, next) => {
    const presented = bearerToken(c.req.header('authorization'));
    if (presented === null || !tokenMatches(presented, expectedDigest)) {
      const detail =
        presented === null
          ? 'send the admin token as "Authorization: Bearer <token>"'
          : 'the bearer token is not the admin token';
      return problemResponse(c, 401, detail, {}, { 'www-authenticate': 'Bearer' });
    }
    await next();
  };
}
