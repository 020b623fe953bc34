// ACCOUNTS_FILE: named accounts per provider, each with that provider's settings. A value
// `{ "env": "NAME" }` reads an environment variable, so secrets need not sit in the file.
import { readFileSync } from 'node:fs';

/** provider id → account name → settings (env references resolved, not yet validated). */
export type AccountsByProvider = Map<string, Map<string, unknown>>;

export const DEFAULT_ACCOUNT = 'default';
export const ACCOUNT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function resolveEnv(
  value: unknown,
  env: Record<string, string | undefined>,
  where: string,
  problems: string[],
): unknown {
  if (Array.isArray(value)) return value.map((item, i) => resolveEnv(item, env, `${where}.${i}`, problems));
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'env' && typeof value.env === 'string') {
    const resolved = env[value.env];
    if (resolved === undefined || resolved.trim() === '') {
      problems.push(`ACCOUNTS_FILE: ${where}: environment variable ${value.env} is not set`);
      return undefined;
    }
    return resolved;
  }
  return Object.fromEntries(
    keys.map((key) => [key, resolveEnv(value[key], env, `${where}.${key}`, problems)]),
  );
}

/** Reads and shapes the file; every problem is one line naming where it is. */
export function readAccountsFile(
  path: string,
  env: Record<string, string | undefined>,
): { accounts: AccountsByProvider; problems: string[] } {
  const problems: string[] = [];
  const accounts: AccountsByProvider = new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const detail = error instanceof SyntaxError ? 'not valid JSON' : (error as NodeJS.ErrnoException).code;
    return { accounts, problems: [`ACCOUNTS_FILE: cannot read "${path}" (${detail})`] };
  }
  if (!isObject(parsed)) {
    return { accounts, problems: ['ACCOUNTS_FILE: must be a JSON object of providers'] };
  }
  for (const [provider, entries] of Object.entries(parsed)) {
    if (!isObject(entries)) {
      problems.push(`ACCOUNTS_FILE: ${provider}: must be an object of named accounts`);
      continue;
    }
    const byName = new Map<string, unknown>();
    for (const [name, settings] of Object.entries(entries)) {
      if (name === DEFAULT_ACCOUNT) {
        problems.push(
          `ACCOUNTS_FILE: ${provider}.${name}: "default" is the account of the environment variables; use another name`,
        );
      } else if (!ACCOUNT_NAME.test(name)) {
        problems.push(
          `ACCOUNTS_FILE: ${provider}.${name}: account names use letters, digits, "_" and "-" (at most 63)`,
        );
      } else {
        byName.set(name, resolveEnv(settings, env, `${provider}.${name}`, problems));
      }
    }
    accounts.set(provider, byName);
  }
  return { accounts, problems };
}
