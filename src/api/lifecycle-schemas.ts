// Request and response shapes of erasures and the audit log (docs/contract.md section 10).
import { z } from '@hono/zod-openapi';

export const ErasureRequestSchema = z
  .object({
    email: z
      .string()
      .trim()
      .min(3)
      .max(320)
      .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address')
      .openapi({ example: 'buyer@example.com' }),
  })
  .openapi('ErasureRequest');

export const ErasureResultSchema = z
  .object({
    messages: z.number().int().openapi({ description: 'Inbound messages whose raw data was erased' }),
    events: z.number().int().openapi({ description: 'Events whose customer and raw fields were erased' }),
  })
  .openapi('ErasureResult');

export const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    at: z.string().openapi({ format: 'date-time' }),
    actor: z.string().openapi({ description: '`api-token`, or `dashboard:<session>`', example: 'api-token' }),
    action: z.string().openapi({ example: 'subscriber.rotate_secret' }),
    target: z.string().nullable().openapi({ example: 'sub_01JD5Q8Z3R4B9T6W2X7Y0KMN1P' }),
    request_id: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi('AuditEntry');

export const AuditPageSchema = z
  .object({ data: z.array(AuditEntrySchema), next_cursor: z.string().nullable() })
  .openapi('AuditPage');

export const AuditQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: z
    .string()
    .regex(/^\d+$/, 'not a next_cursor from a previous page')
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' } }),
});
