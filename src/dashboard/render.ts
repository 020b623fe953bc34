// Turns a page into the HTTP answer: a complete HTML document, never cached.
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Flash } from './layout';

export type Rendered = HtmlEscapedString | Promise<HtmlEscapedString>;

// Pages and their data are never stored by a browser or a proxy; scripts and styles come from the
// dashboard itself only.
const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
};

export function render(
  c: Context,
  page: Rendered,
  status: ContentfulStatusCode = 200,
): Promise<Response> | Response {
  return c.html(html`<!doctype html>${page}`, status, SECURITY_HEADERS);
}

export function flashOf(c: Context): Flash {
  return { notice: c.req.query('notice'), error: c.req.query('error') };
}
