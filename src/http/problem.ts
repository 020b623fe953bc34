// One error vocabulary for HTTP: AppError carries a code; the handler renders RFC 9457 problem+json.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

const PROBLEM_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  [key: string]: unknown;
}

export function problemBody(status: number, detail: string, extra: Record<string, unknown> = {}): Problem {
  return { type: 'about:blank', title: PROBLEM_TITLES[status] ?? 'Error', status, detail, ...extra };
}

export function problemResponse(
  c: Context,
  status: ContentfulStatusCode,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  return c.body(JSON.stringify(problemBody(status, detail, extra)), status, {
    'content-type': 'application/problem+json',
    ...headers,
  });
}
