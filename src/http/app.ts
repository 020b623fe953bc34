import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import type { Logger } from '../logger';
import { AppError, problemResponse } from './problem';

/** The bare app with the error vocabulary installed; feature routes are mounted by the caller. */
export function createApp(logger: Logger): Hono {
  const app = new Hono();
  // Every answer carries X-Request-Id; logs about the request name it too.
  app.use('*', requestId());
  app.notFound((c) => problemResponse(c, 404, `no route for ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    if (error instanceof AppError) return problemResponse(c, error.status, error.detail, error.extra);
    logger.error({ err: error, path: c.req.path }, 'unhandled error');
    return problemResponse(c, 500, 'internal error');
  });
  return app;
}
