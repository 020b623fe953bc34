// Thin routes: read the bytes, hand them to ingest(), map the outcome to the provider's answer.
import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import type { RequestIdVariables } from 'hono/request-id';
import { type IngestDeps, ingest } from '../ingest/ingest';
import type { MountedEndpoint, ProviderInstance } from '../providers/provider-instances';
import { type ClientAddressResolver, clientAddressOf } from './client-address';
import { problemResponse } from './problem';
import { readBodyCapped } from './read-body';
import { acceptedRequestId, REQUEST_ID_HEADER } from './request-id';

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

type IngestEnv = { Variables: RequestIdVariables; Bindings: HttpBindings };

/**
 * The provider endpoints. Mounted ahead of the request-id middleware (http/app.ts): every header
 * is read once from Node's raw list and the answer's headers are a plain object, so no WHATWG
 * Headers object is built for a notification (request-id.ts).
 */
export function ingestRoutes({ deps, providers, clientAddress }: IngestRouteOptions): Hono<IngestEnv> {
  // Served by @hono/node-server (roles/http-server.ts), which passes Node's request as `incoming`.
  const app = new Hono<IngestEnv>();
  const mount = (provider: ProviderInstance, endpoint: MountedEndpoint) => {
    if (endpoint.answersGet) {
      app.get(endpoint.path, (c) => {
        const requestId = acceptedRequestId(c.req.header(REQUEST_ID_HEADER));
        return new Response(null, { status: 200, headers: { [REQUEST_ID_HEADER]: requestId } });
      });
    }
    app.post(endpoint.path, async (c) => {
      const receivedAt = new Date();
      const headers = storableHeaders(c.env.incoming.rawHeaders);
      const requestId = acceptedRequestId(headers[REQUEST_ID_HEADER]);
      c.set('requestId', requestId);
      const read = await readBodyCapped(c.req.raw, deps.maxBodyBytes, headers['content-length']);
      const outcome = await ingest(deps, {
        provider,
        kind: endpoint.kind,
        path: c.req.path,
        rawBody: read.ok ? read.body : null,
        bodyPrefix: read.ok ? undefined : read.prefix,
        declaredBytes: read.ok ? undefined : read.declaredBytes,
        contentType: headers['content-type'] ?? null,
        headers,
        remoteAddr: clientAddressOf(c, clientAddress, headers),
        receivedAt,
        requestId,
      });
      const { answer } = outcome;
      if (answer.kind === 'problem') {
        const extraHeaders: Record<string, string> = { [REQUEST_ID_HEADER]: requestId };
        if (answer.status === 503) extraHeaders['retry-after'] = '30';
        return problemResponse(
          c,
          answer.status,
          answer.detail,
          { message_id: outcome.messageId },
          extraHeaders,
        );
      }
      const { response } = answer;
      const answerHeaders: Record<string, string> = { [REQUEST_ID_HEADER]: requestId };
      if (response.contentType) answerHeaders['content-type'] = response.contentType;
      return new Response(response.body, { status: response.status, headers: answerHeaders });
    });
  };
  for (const provider of providers) {
    for (const endpoint of provider.endpoints) mount(provider, endpoint);
  }
  return app;
}
