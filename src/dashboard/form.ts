// Reads a posted form (urlencoded or multipart) with text and repeated fields.
import type { Context } from 'hono';

export interface PostedForm {
  /** The field's (first) value, trimmed; '' when absent. */
  text(name: string): string;
  /** Every non-empty value of a repeated field (checkboxes). */
  list(name: string): string[];
}

export async function readForm(c: Context): Promise<PostedForm> {
  const body = await c.req.parseBody({ all: true });
  const values = (name: string): string[] => {
    const value = body[name];
    const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
    return all.filter((item): item is string => typeof item === 'string').map((item) => item.trim());
  };
  return {
    text: (name) => values(name)[0] ?? '',
    list: (name) => values(name).filter((item) => item !== ''),
  };
}
