// The admin API, mounted at /api by the gateway: bearer-token protected JSON, documented by the
// OpenAPI 3.1 document generated from the same zod route definitions.
import { OpenAPIHono } from '@hono/zod-openapi';
import { adminAuth } from '../http/admin-auth';
import type { AdminApiDeps } from './deps';
import { apiErrorHandler, validationProblemHook } from './errors';
import { registerDeliveryRoutes } from './routes/deliveries';
import { registerEventRoutes } from './routes/events';
import { registerMessageRoutes } from './routes/messages';
import { registerSubscriberRoutes } from './routes/subscribers';

export type { AdminApiDeps } from './deps';

const SECURITY_SCHEME = 'adminToken';

export function createAdminApi(deps: AdminApiDeps): OpenAPIHono {
  const api = new OpenAPIHono({ defaultHook: validationProblemHook });
  api.onError(apiErrorHandler(deps.logger));

  api.openAPIRegistry.registerComponent('securitySchemes', SECURITY_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description: 'The ADMIN_TOKEN',
  });
  // Registered before the token check: its handler answers first, so the document stays public.
  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'ipn-gateway admin API',
      version: '1.0.0',
      description:
        'Errors are application/problem+json. Lists are newest first, paged by `limit` and `cursor`.',
    },
    servers: [{ url: '/api' }],
    security: [{ [SECURITY_SCHEME]: [] }],
  });
  api.use('*', adminAuth(deps.adminToken));

  registerSubscriberRoutes(api, deps);
  registerEventRoutes(api, deps);
  registerDeliveryRoutes(api, deps);
  registerMessageRoutes(api, deps);
  return api;
}
