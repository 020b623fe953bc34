import { type Env, Hono } from 'hono';
import { requestId } from 'hono/request-id';
import type { Logger } from '../logger';
import { AppError, problemResponse } from './problem';
import { REQUEST_ID_HEADER } from './request-id';

/**
 * The bare app with the error vocabulary installed; feature routes are mounted by the caller.
 * `ownRequestId` routes go ahead of the request-id middleware: they set X-Request-Id themselves
 * (the provider endpoints, see request-id.ts).
 */
export function createApp<E extends Env>(logger: Logger, ownRequestId?: Hono<E>): Hono {
  const app = new Hono();
  if (ownRequestId) app.route('/', ownRequestId);
  // Every answer carries X-Request-Id; logs about the request name it too.
  app.use('*', requestId());
  app.notFound((c) => problemResponse(c, 404, `no route for ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    // A route that sets its own id has not had the middleware's header.
    const id: unknown = c.get('requestId');
    const headers: Record<string, string> = typeof id === 'string' ? { [REQUEST_ID_HEADER]: id } : {};
    if (error instanceof AppError)
      return problemResponse(c, error.status, error.detail, error.extra, headers);
    logger.error({ err: error, path: c.req.path }, 'unhandled error');
    return problemResponse(c, 500, 'internal error', {}, headers);
  });
  return app;
}
