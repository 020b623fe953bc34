// Reusable zod types for settings read from the environment or ACCOUNTS_FILE. Shared by the core
// and by provider plugins, so every variable reports its problems in the same words.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseDuration } from './duration';

export const emptyAsUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

export const optionalText = z.preprocess(emptyAsUndefined, z.string().trim().optional());

export const duration = (fallback: string) =>
  z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default(fallback)
      .transform((text, ctx) => {
        const ms = parseDuration(text);
        if (ms === null || ms <= 0) {
          ctx.addIssue({
            code: 'custom',
            message: `"${text}" is not a duration like 500ms, 15s, 5m, 2h or 90d`,
          });
          return z.NEVER;
        }
        return ms;
      }),
  );

export const schedule = (fallback: string) =>
  z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default(fallback)
      .transform((text, ctx) => {
        const delays = text.split(',').map((part) => parseDuration(part));
        if (delays.some((delay) => delay === null || delay < 0)) {
          ctx.addIssue({
            code: 'custom',
            message: `"${text}" is not a comma list of durations like 5s,5m,2h`,
          });
          return z.NEVER;
        }
        return delays as number[];
      }),
  );

const splitList = (text: string) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

/** A comma list in a variable; undefined when unset. */
export const commaList = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .optional()
    .transform((text) => (text === undefined ? undefined : splitList(text))),
);

/** A list in ACCOUNTS_FILE: a JSON array of strings, or one comma-separated string. */
export const stringList = z
  .union([z.array(z.string()), z.string()])
  .transform((value) => (typeof value === 'string' ? splitList(value) : value.map((item) => item.trim())));

export const url = (protocols: string[]) =>
  z.string().refine(
    (text) => {
      try {
        return protocols.includes(new URL(text).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL` },
  );

/** A file path whose contents are read once, at start; unset stays undefined. */
export const fileContents = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .optional()
    .transform((path, ctx) => {
      if (path === undefined) return undefined;
      try {
        return readFileSync(path, 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
        ctx.addIssue({ code: 'custom', message: `cannot read file "${path}" (${code})` });
        return z.NEVER;
      }
    }),
);
