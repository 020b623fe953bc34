// Thin routes: read the bytes, hand them to ingest(), map the outcome to the provider's answer.
import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import type { RequestIdVariables } from 'hono/request-id';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type IngestDeps, ingest } from '../ingest/ingest';
import type { MountedEndpoint, ProviderInstance } from '../providers/provider-instances';
import { type ClientAddressResolver, clientAddressOf } from './client-address';
import { problemResponse } from './problem';
import { readBodyCapped } from './read-body';

const UNSTORED_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/**
 * The request's headers as Fetch's Headers would list them (lower-case names, repeats joined with
 * ", "), minus credentials, read from Node's raw header list (its parser has already trimmed the
 * values). Iterating the request's Headers instead made @hono/node-server build a full WHATWG
 * Headers object, validating every name and value again: about 3 % of 2Checkout ingest CPU.
 */
function storableHeaders(rawHeaders: readonly string[]): Record<string, string> {
  // No prototype: a header may be called `constructor` or `__proto__`.
  const headers: Record<string, string> = Object.create(null);
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = (rawHeaders[index] as string).toLowerCase();
    if (name.startsWith(':') || UNSTORED_HEADERS.has(name)) continue;
    const value = rawHeaders[index + 1] as string;
    const earlier = headers[name];
    headers[name] = earlier === undefined ? value : `${earlier}, ${value}`;
  }
  return headers;
}

export interface IngestRouteOptions {
  deps: IngestDeps;
  providers: ProviderInstance[];
  clientAddress: ClientAddressResolver;
}

export function ingestRoutes({
  deps,
  providers,
  clientAddress,
}: IngestRouteOptions): Hono<{ Variables: RequestIdVariables; Bindings: HttpBindings }> {
  // Served by @hono/node-server (roles/http-server.ts), which passes Node's request as `incoming`.
  const app = new Hono<{ Variables: RequestIdVariables; Bindings: HttpBindings }>();
  const mount = (provider: ProviderInstance, endpoint: MountedEndpoint) => {
    if (endpoint.answersGet) app.get(endpoint.path, (c) => c.body(null, 200));
    app.post(endpoint.path, async (c) => {
      const receivedAt = new Date();
      const read = await readBodyCapped(c.req.raw, deps.maxBodyBytes);
      const outcome = await ingest(deps, {
        provider,
        kind: endpoint.kind,
        path: c.req.path,
        rawBody: read.ok ? read.body : null,
        bodyPrefix: read.ok ? undefined : read.prefix,
        declaredBytes: read.ok ? undefined : read.declaredBytes,
        contentType: c.req.header('content-type') ?? null,
        headers: storableHeaders(c.env.incoming.rawHeaders),
        remoteAddr: clientAddressOf(c, clientAddress),
        receivedAt,
        requestId: c.get('requestId'),
      });
      const { answer } = outcome;
      if (answer.kind === 'problem') {
        const retryAfter: Record<string, string> = answer.status === 503 ? { 'retry-after': '30' } : {};
        return problemResponse(
          c,
          answer.status,
          answer.detail,
          { message_id: outcome.messageId },
          retryAfter,
        );
      }
      const { response } = answer;
      const headers: Record<string, string> = {};
      if (response.contentType) headers['content-type'] = response.contentType;
      return c.body(response.body, response.status as ContentfulStatusCode, headers);
    });
  };
  for (const provider of providers) {
    for (const endpoint of provider.endpoints) mount(provider, endpoint);
  }
  return app;
}
