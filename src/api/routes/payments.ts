import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { AppError } from '../../http/problem';
import type { AdminApiDeps } from '../deps';
import { findPayment, listPayments } from '../queries/payments';
import { json, PROBLEMS } from '../responses';
import {
  PaymentAccountQuerySchema,
  PaymentPageSchema,
  PaymentParamsSchema,
  PaymentQuerySchema,
  PaymentWithEventsSchema,
} from '../schemas';

const tags = ['payments'];

const listPaymentsRoute = createRoute({
  method: 'get',
  path: '/payments',
  tags,
  summary: 'List payments, newest first',
  request: { query: PaymentQuerySchema },
  responses: { 200: json('A page of payments', PaymentPageSchema), 401: PROBLEMS[401], 422: PROBLEMS[422] },
});

const getPaymentRoute = createRoute({
  method: 'get',
  path: '/payments/{provider}/{transaction_id}',
  tags,
  summary: 'Read the state of one transaction with its timeline of events',
  request: { params: PaymentParamsSchema, query: PaymentAccountQuerySchema },
  responses: {
    200: json('The payment', PaymentWithEventsSchema),
    401: PROBLEMS[401],
    404: PROBLEMS[404],
    409: PROBLEMS[409],
    422: PROBLEMS[422],
  },
});

export function registerPaymentRoutes(api: OpenAPIHono, deps: AdminApiDeps): void {
  api.openapi(listPaymentsRoute, async (c) => {
    const { limit, cursor, ...filter } = c.req.valid('query');
    return c.json(await listPayments(deps.db, filter, { limit, afterId: cursor }), 200);
  });

  api.openapi(getPaymentRoute, async (c) => {
    const { provider, transaction_id } = c.req.valid('param');
    const { account } = c.req.valid('query');
    const lookup = await findPayment(deps.db, provider, transaction_id, account);
    if (lookup.found === 'none') throw new AppError(404, `no ${provider} payment ${transaction_id}`);
    if (lookup.found === 'several') {
      throw new AppError(
        409,
        `${provider} transaction ${transaction_id} exists in several accounts (${lookup.accounts.join(', ')}); name one with ?account=`,
      );
    }
    return c.json(lookup.payment, 200);
  });
}
