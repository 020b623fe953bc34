import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { API_ACTOR, recordAudit, requestIdOf } from '../../audit/audit-log';
import { BULK_RETRY_LIMIT, retryDelivery, retryFailedDeliveries } from '../../delivery/delivery-commands';
import { AppError } from '../../http/problem';
import type { AdminApiDeps } from '../deps';
import { getDelivery, listDeliveries } from '../queries/deliveries';
import { getSubscriber } from '../queries/subscribers';
import { json, jsonBody, PROBLEMS } from '../responses';
import {
  BulkRetryResultSchema,
  BulkRetrySchema,
  DeliveryPageSchema,
  DeliveryQuerySchema,
  DeliveryWithAttemptsSchema,
  IdParamsSchema,
  RetryAcceptedSchema,
} from '../schemas';

const tags = ['deliveries'];

const listDeliveriesRoute = createRoute({
  method: 'get',
  path: '/deliveries',
  tags,
  summary: 'List deliveries, newest first',
  request: { query: DeliveryQuerySchema },
  responses: {
    200: json('A page of deliveries', DeliveryPageSchema),
    401: PROBLEMS[401],
    422: PROBLEMS[422],
  },
});

const getDeliveryRoute = createRoute({
  method: 'get',
  path: '/deliveries/{id}',
  tags,
  summary: 'Read a delivery with its attempts',
  request: { params: IdParamsSchema },
  responses: {
    200: json('The delivery', DeliveryWithAttemptsSchema),
    401: PROBLEMS[401],
    404: PROBLEMS[404],
  },
});

const retryDeliveryRoute = createRoute({
  method: 'post',
  path: '/deliveries/{id}/retry',
  tags,
  summary: 'Attempt a delivery again now',
  description: 'Whatever its status; the same event id is sent. 409 while an attempt is in flight.',
  request: { params: IdParamsSchema },
  responses: {
    202: json('Queued', RetryAcceptedSchema),
    401: PROBLEMS[401],
    404: PROBLEMS[404],
    409: PROBLEMS[409],
  },
});

const bulkRetryRoute = createRoute({
  method: 'post',
  path: '/deliveries/retry',
  tags,
  summary: 'Retry the failed deliveries of one subscriber',
  description:
    `Every failed delivery of the subscriber that failed (was last updated) at or after \`since\` ` +
    `and before \`until\`, oldest first, at most ${BULK_RETRY_LIMIT} per call: call again until ` +
    '`count` is 0 (retried deliveries are no longer failed).',
  request: { body: jsonBody(BulkRetrySchema) },
  responses: {
    202: json('Queued', BulkRetryResultSchema),
    400: PROBLEMS[400],
    401: PROBLEMS[401],
    404: PROBLEMS[404],
    415: PROBLEMS[415],
    422: PROBLEMS[422],
  },
});

export function registerDeliveryRoutes(api: OpenAPIHono, deps: AdminApiDeps): void {
  api.openapi(listDeliveriesRoute, async (c) => {
    const { limit, cursor, ...filter } = c.req.valid('query');
    return c.json(await listDeliveries(deps.db, filter, { limit, afterId: cursor }), 200);
  });

  api.openapi(getDeliveryRoute, async (c) => {
    const { id } = c.req.valid('param');
    const delivery = await getDelivery(deps.db, id);
    if (!delivery) throw new AppError(404, `no delivery ${id}`);
    return c.json(delivery, 200);
  });

  api.openapi(bulkRetryRoute, async (c) => {
    const body = c.req.valid('json');
    if (!(await getSubscriber(deps.db, body.subscriber_id))) {
      throw new AppError(404, `no subscriber ${body.subscriber_id}`);
    }
    const deliveryIds = await retryFailedDeliveries(deps, {
      subscriberId: body.subscriber_id,
      since: new Date(body.since),
      until: body.until === undefined ? undefined : new Date(body.until),
    });
    await recordAudit(
      deps.db,
      {
        actor: API_ACTOR,
        action: 'delivery.retry_failed',
        target: body.subscriber_id,
        requestId: requestIdOf(c),
        details: { count: deliveryIds.length, since: body.since, until: body.until ?? null },
      },
      deps.logger,
    );
    return c.json({ count: deliveryIds.length, delivery_ids: deliveryIds }, 202);
  });

  api.openapi(retryDeliveryRoute, async (c) => {
    const { id } = c.req.valid('param');
    const result = await retryDelivery(deps, id);
    if (result.outcome === 'not_found') throw new AppError(404, `no delivery ${id}`);
    if (result.outcome === 'in_flight') {
      throw new AppError(409, `an attempt of delivery ${id} is in flight; retry when it has finished`);
    }
    await recordAudit(
      deps.db,
      { actor: API_ACTOR, action: 'delivery.retry', target: id, requestId: requestIdOf(c) },
      deps.logger,
    );
    return c.json({ id, status: 'pending' as const, attempt: result.attempt }, 202);
  });
}
