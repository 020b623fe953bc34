// OpenAPI response entries reused by every route.
import type { z } from '@hono/zod-openapi';
import { ProblemSchema } from './schemas';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

export const PROBLEMS = {
  400: problem('The body is not valid JSON'),
  401: problem('Missing or wrong bearer token'),
  404: problem('No such resource'),
  409: problem('Conflicts with the current state'),
  415: problem('The body is not application/json'),
  422: problem('Invalid path, query or body; `errors` lists each field'),
} as const;

export const json = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});
