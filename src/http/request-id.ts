// X-Request-Id on every answer. Most routes get it from hono's requestId middleware. The provider
// endpoints set it themselves: that middleware reads the incoming id through the request's WHATWG
// Headers and sets the answer's through another; with those two objects built and converted, it
// was about 4 % of the request thread's time per notification (docs/performance.md, section 14).
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

const MAX_LENGTH = 255;
const ALLOWED = /^[\w\-=]+$/;

/** The caller's id when it is a sane token (the rule hono's middleware applies), else a new one. */
export function acceptedRequestId(given: string | undefined): string {
  return given !== undefined && given.length <= MAX_LENGTH && ALLOWED.test(given) ? given : randomUUID();
}
