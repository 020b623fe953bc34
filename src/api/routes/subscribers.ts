import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { API_ACTOR, recordAudit, requestIdOf } from '../../audit/audit-log';
import { AppError } from '../../http/problem';
import {
  createSubscriber,
  deleteSubscriber,
  MAX_ENABLED_SUBSCRIBERS,
  rotateSubscriberSecret,
  updateSubscriber,
} from '../../subscribers/subscriber-service';
import type { AdminApiDeps } from '../deps';
import { getSubscriber, getSubscriberSecrets, listSubscribers } from '../queries/subscribers';
import { json, jsonBody, PROBLEMS } from '../responses';
import {
  CreatedSubscriberSchema,
  CreateSubscriberSchema,
  IdParamsSchema,
  PageQuerySchema,
  PingResultSchema,
  RecoverResultSchema,
  RecoverSchema,
  RotatedSecretSchema,
  SubscriberPageSchema,
  SubscriberSchema,
  SubscriberSecretsSchema,
  UpdateSubscriberSchema,
} from '../schemas';

const tags = ['subscribers'];
const notFound = (id: string) => new AppError(404, `no subscriber ${id}`);

const createSubscriberRoute = createRoute({
  method: 'post',
  path: '/subscribers',
  tags,
  summary: 'Create a subscriber',
  description: `At most ${MAX_ENABLED_SUBSCRIBERS} subscribers can be enabled at once; a fifth enabled one is a 409.`,
  request: { body: jsonBody(CreateSubscriberSchema) },
  responses: {
    201: json('The subscriber, with its signing secret', CreatedSubscriberSchema),
    400: PROBLEMS[400],
    401: PROBLEMS[401],
    409: PROBLEMS[409],
    415: PROBLEMS[415],
    422: PROBLEMS[422],
  },
});

const listSubscribersRoute = createRoute({
  method: 'get',
  path: '/subscribers',
  tags,
  summary: 'List subscribers, newest first',
  request: { query: PageQuerySchema },
  responses: {
    200: json('A page of subscribers', SubscriberPageSchema),
    401: PROBLEMS[401],
    422: PROBLEMS[422],
  },
});

const getSubscriberRoute = createRoute({
  method: 'get',
  path: '/subscribers/{id}',
  tags,
  summary: 'Read a subscriber',
  request: { params: IdParamsSchema },
  responses: { 200: json('The subscriber', SubscriberSchema), 401: PROBLEMS[401], 404: PROBLEMS[404] },
});

const getSecretRoute = createRoute({
  method: 'get',
  path: '/subscribers/{id}/secret',
  tags,
  summary: "Read a subscriber's signing secrets",
  request: { params: IdParamsSchema },
  responses: {
    200: json('The current secret and, during a rotation, the previous one', SubscriberSecretsSchema),
    401: PROBLEMS[401],
    404: PROBLEMS[404],
  },
});

const updateSubscriberRoute = createRoute({
  method: 'patch',
  path: '/subscribers/{id}',
  tags,
  summary: 'Change a subscriber',
  description: `Enabling a subscriber while ${MAX_ENABLED_SUBSCRIBERS} others are enabled is a 409.`,
  request: { params: IdParamsSchema, body: jsonBody(UpdateSubscriberSchema) },
  responses: {
    200: json('The changed subscriber', SubscriberSchema),
    400: PROBLEMS[400],
    401: PROBLEMS[401],
    404: PROBLEMS[404],
    409: PROBLEMS[409],
    415: PROBLEMS[415],
    422: PROBLEMS[422],
  },
});

const deleteSubscriberRoute = createRoute({
  method: 'delete',
  path: '/subscribers/{id}',
  tags,
  summary: 'Remove a subscriber',
  description: 'It stops receiving events; its deliveries stay visible.',
  request: { params: IdParamsSchema },
  responses: { 204: { description: 'Removed' }, 401: PROBLEMS[401], 404: PROBLEMS[404] },
});

const rotateSecretRoute = createRoute({
  method: 'post',
  path: '/subscribers/{id}/rotate-secret',
  tags,
  summary: 'Replace the signing secret',
  description: 'Deliveries are signed with both the new and the previous secret for 24 hours.',
  request: { params: IdParamsSchema },
  responses: {
    200: json('The new secret', RotatedSecretSchema),
    401: PROBLEMS[401],
    404: PROBLEMS[404],
  },
});

const recoverRoute = createRoute({
  method: 'post',
  path: '/subscribers/{id}/recover',
  tags,
  summary: 'Deliver again what a subscriber missed',
  description:
    "Every event received in the window that matches the subscriber's filters and that it has no " +
    'succeeded delivery for is delivered to it again, same event id, queued in the order received; ' +
    'including events received while it was disabled or before it existed. Failed deliveries are ' +
    'retried, pending ones left alone. `since` more than RETENTION ago is a 422; a disabled subscriber a 409.',
  request: { params: IdParamsSchema, body: jsonBody(RecoverSchema) },
  responses: {
    202: json('Queued', RecoverResultSchema),
    400: PROBLEMS[400],
    401: PROBLEMS[401],
    404: PROBLEMS[404],
    409: PROBLEMS[409],
    415: PROBLEMS[415],
    422: PROBLEMS[422],
  },
});

const testRoute = createRoute({
  method: 'post',
  path: '/subscribers/{id}/test',
  tags,
  summary: 'Send a test event',
  description:
    'Sends a signed `gateway.ping` event (`provider: "gateway"`, `data: {}`) now and answers the ' +
    'outcome. It is not recorded as a delivery.',
  request: { params: IdParamsSchema },
  responses: { 200: json('The outcome', PingResultSchema), 401: PROBLEMS[401], 404: PROBLEMS[404] },
});

export function registerSubscriberRoutes(api: OpenAPIHono, deps: AdminApiDeps): void {
  const audit = (c: Context, action: string, target: string, details?: Record<string, unknown>) =>
    recordAudit(
      deps.db,
      { actor: API_ACTOR, action, target, requestId: requestIdOf(c), details },
      deps.logger,
    );

  api.openapi(createSubscriberRoute, async (c) => {
    const created = await createSubscriber(deps.db, deps.secrets, c.req.valid('json'), deps.providerIds);
    await audit(c, 'subscriber.create', created.id, { url: created.url, enabled: created.enabled });
    return c.json(created, 201);
  });

  api.openapi(listSubscribersRoute, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    return c.json(await listSubscribers(deps.db, { limit, afterId: cursor }), 200);
  });

  api.openapi(getSubscriberRoute, async (c) => {
    const { id } = c.req.valid('param');
    const subscriber = await getSubscriber(deps.db, id);
    if (!subscriber) throw notFound(id);
    return c.json(subscriber, 200);
  });

  api.openapi(getSecretRoute, async (c) => {
    const { id } = c.req.valid('param');
    const secrets = await getSubscriberSecrets(deps.db, deps.secrets, id);
    if (!secrets) throw notFound(id);
    return c.json(secrets, 200);
  });

  api.openapi(updateSubscriberRoute, async (c) => {
    const { id } = c.req.valid('param');
    const changes = c.req.valid('json');
    const updated = await updateSubscriber(deps.db, id, changes, deps.providerIds);
    await audit(c, 'subscriber.update', id, { changed: Object.keys(changes) });
    return c.json(updated, 200);
  });

  api.openapi(deleteSubscriberRoute, async (c) => {
    const { id } = c.req.valid('param');
    await deleteSubscriber(deps.db, id);
    await audit(c, 'subscriber.delete', id);
    return c.body(null, 204);
  });

  api.openapi(rotateSecretRoute, async (c) => {
    const { id } = c.req.valid('param');
    const rotated = await rotateSubscriberSecret(deps.db, deps.secrets, id);
    await audit(c, 'subscriber.rotate_secret', id);
    return c.json(rotated, 200);
  });

  api.openapi(recoverRoute, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const until = body.until === undefined ? undefined : new Date(body.until);
    const deliveries = await deps.operations.recover(id, new Date(body.since), until);
    await audit(c, 'delivery.recover', id, { deliveries, since: body.since, until: body.until ?? null });
    return c.json({ deliveries }, 202);
  });

  api.openapi(testRoute, async (c) => {
    const { id } = c.req.valid('param');
    const result = await deps.operations.ping(id);
    if (!result) throw notFound(id);
    return c.json(result, 200);
  });
}
