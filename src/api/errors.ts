// How the admin API fails: always application/problem+json, validation failures as 422 with
// one entry per invalid field.
import type { Hook } from '@hono/zod-openapi';
import type { ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, problemResponse } from '../http/problem';
import type { Logger } from '../logger';

const TARGET_NAMES: Record<string, string> = {
  json: 'request body',
  query: 'query parameters',
  param: 'path parameters',
};

// biome-ignore lint/suspicious/noExplicitAny: the hook is shared by every route, whatever its input
export const validationProblemHook: Hook<any, any, any, Response | undefined> = (result, c) => {
  if (result.success) return undefined;
  const errors = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  return problemResponse(c, 422, `invalid ${TARGET_NAMES[result.target] ?? result.target}`, { errors });
};

// Hono's own request errors (unparseable JSON, wrong content type) with clearer words.
const HTTP_EXCEPTION_DETAILS: Record<number, string> = {
  400: 'the request body is not valid JSON',
  415: 'send the request body as application/json',
};

export function apiErrorHandler(logger: Logger): ErrorHandler {
  return (error, c) => {
    if (error instanceof AppError) return problemResponse(c, error.status, error.detail, error.extra);
    if (error instanceof HTTPException) {
      const status = error.status as ContentfulStatusCode;
      return problemResponse(c, status, HTTP_EXCEPTION_DETAILS[status] ?? error.message);
    }
    logger.error({ err: error, path: c.req.path }, 'admin API request failed');
    return problemResponse(c, 500, 'internal error');
  };
}
