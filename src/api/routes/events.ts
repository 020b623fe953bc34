import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { AppError } from '../../http/problem';
import type { AdminApiDeps } from '../deps';
import { getEvent, listEvents } from '../queries/events';
import { json, PROBLEMS } from '../responses';
import { EventPageSchema, EventQuerySchema, EventWithDeliveriesSchema, IdParamsSchema } from '../schemas';

const tags = ['events'];

const listEventsRoute = createRoute({
  method: 'get',
  path: '/events',
  tags,
  summary: 'List events, newest first',
  request: { query: EventQuerySchema },
  responses: { 200: json('A page of events', EventPageSchema), 401: PROBLEMS[401], 422: PROBLEMS[422] },
});

const getEventRoute = createRoute({
  method: 'get',
  path: '/events/{id}',
  tags,
  summary: 'Read an event with its deliveries and their attempts',
  request: { params: IdParamsSchema },
  responses: {
    200: json('The event', EventWithDeliveriesSchema),
    401: PROBLEMS[401],
    404: PROBLEMS[404],
  },
});

export function registerEventRoutes(api: OpenAPIHono, deps: AdminApiDeps): void {
  api.openapi(listEventsRoute, async (c) => {
    const { limit, cursor, ...filter } = c.req.valid('query');
    return c.json(await listEvents(deps.db, filter, { limit, afterId: cursor }), 200);
  });

  api.openapi(getEventRoute, async (c) => {
    const { id } = c.req.valid('param');
    const event = await getEvent(deps.db, id);
    if (!event) throw new AppError(404, `no event ${id}`);
    return c.json(event, 200);
  });
}
