import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { AppError } from '../../http/problem';
import type { AdminApiDeps } from '../deps';
import { getMessage, listMessages } from '../queries/messages';
import { json, PROBLEMS } from '../responses';
import { IdParamsSchema, MessageDetailSchema, MessagePageSchema, MessageQuerySchema } from '../schemas';

const tags = ['messages'];

const listMessagesRoute = createRoute({
  method: 'get',
  path: '/messages',
  tags,
  summary: 'List inbound provider requests, newest first',
  request: { query: MessageQuerySchema },
  responses: { 200: json('A page of messages', MessagePageSchema), 401: PROBLEMS[401], 422: PROBLEMS[422] },
});

const getMessageRoute = createRoute({
  method: 'get',
  path: '/messages/{id}',
  tags,
  summary: 'Read an inbound request with its headers and exact body',
  request: { params: IdParamsSchema },
  responses: { 200: json('The message', MessageDetailSchema), 401: PROBLEMS[401], 404: PROBLEMS[404] },
});

export function registerMessageRoutes(api: OpenAPIHono, deps: AdminApiDeps): void {
  api.openapi(listMessagesRoute, async (c) => {
    const { limit, cursor, ...filter } = c.req.valid('query');
    return c.json(await listMessages(deps.db, filter, { limit, afterId: cursor }), 200);
  });

  api.openapi(getMessageRoute, async (c) => {
    const { id } = c.req.valid('param');
    const message = await getMessage(deps.db, id);
    if (!message) throw new AppError(404, `no message ${id}`);
    return c.json(message, 200);
  });
}
