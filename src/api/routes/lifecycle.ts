// Erasure requests and the audit log.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { API_ACTOR, listAudit, recordAudit, requestIdOf } from '../../audit/audit-log';
import { emailDigest } from '../../lifecycle/email-patterns';
import { eraseByEmail } from '../../lifecycle/erasure';
import type { AdminApiDeps } from '../deps';
import {
  AuditPageSchema,
  AuditQuerySchema,
  ErasureRequestSchema,
  ErasureResultSchema,
} from '../lifecycle-schemas';
import { json, jsonBody, PROBLEMS } from '../responses';

const createErasureRoute = createRoute({
  method: 'post',
  path: '/erasures',
  tags: ['erasures'],
  summary: "Erase a customer's personal data by email",
  description:
    'Every stored message and event whose customer has this email (compared case-insensitively, ' +
    'also inside raw provider bodies) keeps its ids, types, amounts and states; its raw bytes, `raw` ' +
    'fields and `data.customer` are erased. Deliveries already made are not recalled. The audit log ' +
    'records a hash of the address, never the address.',
  request: { body: jsonBody(ErasureRequestSchema) },
  responses: {
    200: json('What was erased', ErasureResultSchema),
    400: PROBLEMS[400],
    401: PROBLEMS[401],
    415: PROBLEMS[415],
    422: PROBLEMS[422],
  },
});

const listAuditRoute = createRoute({
  method: 'get',
  path: '/audit-log',
  tags: ['audit log'],
  summary: 'Admin actions, newest first',
  request: { query: AuditQuerySchema },
  responses: {
    200: json('A page of audit entries', AuditPageSchema),
    401: PROBLEMS[401],
    422: PROBLEMS[422],
  },
});

export function registerLifecycleRoutes(api: OpenAPIHono, deps: AdminApiDeps): void {
  api.openapi(createErasureRoute, async (c) => {
    const { email } = c.req.valid('json');
    const result = await eraseByEmail(deps.db, email);
    const digest = emailDigest(email);
    await recordAudit(
      deps.db,
      {
        actor: API_ACTOR,
        action: 'erasure.create',
        target: digest,
        requestId: requestIdOf(c),
        details: { ...result },
      },
      deps.logger,
    );
    deps.logger.info({ email: digest, ...result }, 'erasure done');
    return c.json(result, 200);
  });

  api.openapi(listAuditRoute, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    return c.json(await listAudit(deps.db, { limit, cursor }), 200);
  });
}
