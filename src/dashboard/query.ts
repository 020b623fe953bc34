// Reading list filters from the query string: unknown values are ignored, never an error page.
import type { Context } from 'hono';
import { decodeCursor } from '../api/queries/page';

export const PAGE_SIZE = 50;

export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined {
  return allowed.find((candidate) => candidate === value);
}

/** The id behind `?cursor=`, when it is a cursor this gateway made. */
export function cursorOf(c: Context): string | undefined {
  const cursor = c.req.query('cursor');
  return cursor ? (decodeCursor(cursor) ?? undefined) : undefined;
}

export function textQuery(c: Context, name: string, maxLength = 200): string | undefined {
  const value = c.req.query(name)?.trim();
  return value ? value.slice(0, maxLength) : undefined;
}
