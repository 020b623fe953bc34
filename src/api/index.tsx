// The admin API, mounted at /api by the gateway: bearer-token protected JSON, documented by the
// OpenAPI 3.1 document generated from the same zod route definitions.
import { OpenAPIHono } from '@hono/zod-openapi';
import { adminAuth } from '../http/admin-auth';
import type { AdminApiDeps } from './deps';
import { DocsPage } from './docs-page';
import { apiErrorHandler, validationProblemHook } from './errors';
import { registerDeliveryRoutes } from './routes/deliveries';
import { registerEventRoutes } from './routes/events';
import { registerLifecycleRoutes } from './routes/lifecycle';
import { registerMessageRoutes } from './routes/messages';
import { registerPaymentRoutes } from './routes/payments';
import { registerSubscriberRoutes } from './routes/subscribers';

export type { AdminApiDeps } from './deps';

const SECURITY_SCHEME = 'adminToken';

const DOCUMENT_CONFIG = {
  openapi: '3.1.0',
  info: {
    title: 'ipn-gateway admin API',
    version: '1.0.0',
    description:
      'Errors are application/problem+json. Lists are newest first, paged by `limit` and `cursor`.',
  },
  servers: [{ url: '/api' }],
  security: [{ [SECURITY_SCHEME]: [] }],
};

export function createAdminApi(deps: AdminApiDeps): OpenAPIHono {
  const api = new OpenAPIHono({ defaultHook: validationProblemHook });
  api.onError(apiErrorHandler(deps.logger));

  api.openAPIRegistry.registerComponent('securitySchemes', SECURITY_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description: 'The ADMIN_TOKEN',
  });
  // Registered before the token check: its handler answers first, so the document stays public.
  api.doc31('/openapi.json', DOCUMENT_CONFIG);
  let document: Record<string, unknown> | null = null;
  api.get('/docs', (c) => {
    document ??= api.getOpenAPI31Document(DOCUMENT_CONFIG) as unknown as Record<string, unknown>;
    return c.html(<DocsPage document={document} />);
  });
  api.use('*', adminAuth(deps.adminToken));

  registerSubscriberRoutes(api, deps);
  registerEventRoutes(api, deps);
  registerDeliveryRoutes(api, deps);
  registerMessageRoutes(api, deps);
  registerPaymentRoutes(api, deps);
  registerLifecycleRoutes(api, deps);
  return api;
}
