// The environment is read here, once, at boot; nothing else looks at process.env.
import { z } from 'zod';
import { PROVIDER_PLUGINS } from '../../providers/index';
import type { ProviderPlugin } from '../../providers/types';
import { parseDuration } from './duration';
import { loadProvidersConfig, type ProvidersConfig } from './provider-config';
import { commaList, duration, emptyAsUndefined, schedule, url } from './setting-types';

const DEFAULT_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h';

/** A duration where `0` (or `off`) turns the feature off: null. */
const optionalDuration = (fallback: string) =>
  z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default(fallback)
      .transform((text, ctx) => {
        if (text.trim() === 'off') return null;
        const ms = parseDuration(text);
        if (ms === null) {
          ctx.addIssue({
            code: 'custom',
            message: `"${text}" is not a duration like 6h or 5d (0 turns it off)`,
          });
          return z.NEVER;
        }
        return ms === 0 ? null : ms;
      }),
  );

const envSchema = z.object({
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyAsUndefined, z.string().default('0.0.0.0')),
  DATABASE_URL: z.preprocess(emptyAsUndefined, url(['postgres:', 'postgresql:']).optional()),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('./data')),
  REDIS_URL: z.preprocess(emptyAsUndefined, url(['redis:', 'rediss:']).optional()),
  QUEUE_PREFIX: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'only letters, digits, "_", "." and "-"')
      .default('ipn-gateway'),
  ),
  ROLE: z.preprocess(emptyAsUndefined, z.enum(['all', 'server', 'worker']).default('all')),
  ADMIN_TOKEN: z.preprocess(
    emptyAsUndefined,
    z.string().min(16, 'must be at least 16 characters').optional(),
  ),
  PROVIDERS: commaList,
  ACCOUNTS_FILE: z.preprocess(emptyAsUndefined, z.string().optional()),
  DELIVERY_RETRY_SCHEDULE: schedule(DEFAULT_RETRY_SCHEDULE),
  DELIVERY_TIMEOUT: duration('15s'),
  DELIVERY_CONCURRENCY: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1000).default(64)),
  STORE_TIMEOUT: duration('5s'),
  MAX_BODY_BYTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1024).default(262_144)),
  RECONCILE_INTERVAL: duration('30s'),
  RETENTION: duration('90d'),
  SUBSCRIBER_DISABLE_AFTER: optionalDuration('5d'),
  ALERT_WEBHOOK_URL: z.preprocess(emptyAsUndefined, url(['https:', 'http:']).optional()),
  ALERT_WEBHOOK_SECRET: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be a whsec_ secret (whsec_ + base64)')
      .optional(),
  ),
  PROVIDER_SILENCE_ALERT: optionalDuration('0'),
  TRUST_PROXY: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).default('false')),
  LOG_LEVEL: z.preprocess(
    emptyAsUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
});

export type Role = 'all' | 'server' | 'worker';

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | null;
  dataDir: string;
  /** Null when unset: the gateway then finds or starts a Redis itself. */
  redisUrl: string | null;
  queuePrefix: string;
  role: Role;
  adminToken: string | null;
  /** Ids of the enabled providers. */
  providers: string[];
  /** Each plugin's parsed settings and accounts (see provider-config.ts). */
  providerConfig: ProvidersConfig;
  delivery: { retryScheduleMs: number[]; timeoutMs: number; concurrency: number };
  maxBodyBytes: number;
  storeTimeoutMs: number;
  reconcileIntervalMs: number;
  /** How far back data is kept (and recover may reach). */
  retentionMs: number;
  /** Auto-disable a subscriber that failed this long; null = never. */
  subscriberDisableAfterMs: number | null;
  alerts: { url: string; secret: string } | null;
  /** Alert when an enabled provider sent nothing this long; null = off. */
  providerSilenceAlertMs: number | null;
  trustProxy: boolean;
  logLevel: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  }
}

export interface LoadConfigOptions {
  /** The provider registry; tests add their own plugins here. */
  plugins?: readonly ProviderPlugin[];
}

/** Parses the environment; throws ConfigError listing one line per problem. */
export function loadConfig(env: Record<string, string | undefined>, options: LoadConfigOptions = {}): Config {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  const { providers, problems: providerProblems } = loadProvidersConfig(
    env,
    options.plugins ?? PROVIDER_PLUGINS,
    parsed.success ? parsed.data.PROVIDERS : undefined,
    parsed.success ? parsed.data.ACCOUNTS_FILE : undefined,
  );
  problems.push(...providerProblems);
  if (parsed.success && parsed.data.ALERT_WEBHOOK_URL && !parsed.data.ALERT_WEBHOOK_SECRET) {
    problems.push('ALERT_WEBHOOK_SECRET: required when ALERT_WEBHOOK_URL is set (a whsec_ secret)');
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const values = parsed.data;

  return {
    port: values.PORT,
    host: values.HOST,
    databaseUrl: values.DATABASE_URL ?? null,
    dataDir: values.DATA_DIR,
    redisUrl: values.REDIS_URL ?? null,
    queuePrefix: values.QUEUE_PREFIX,
    role: values.ROLE,
    adminToken: values.ADMIN_TOKEN ?? null,
    providers: providers.enabled.map((provider) => provider.plugin.id),
    providerConfig: providers,
    delivery: {
      retryScheduleMs: values.DELIVERY_RETRY_SCHEDULE,
      timeoutMs: values.DELIVERY_TIMEOUT,
      concurrency: values.DELIVERY_CONCURRENCY,
    },
    maxBodyBytes: values.MAX_BODY_BYTES,
    storeTimeoutMs: values.STORE_TIMEOUT,
    reconcileIntervalMs: values.RECONCILE_INTERVAL,
    retentionMs: values.RETENTION,
    subscriberDisableAfterMs: values.SUBSCRIBER_DISABLE_AFTER,
    alerts:
      values.ALERT_WEBHOOK_URL && values.ALERT_WEBHOOK_SECRET
        ? { url: values.ALERT_WEBHOOK_URL, secret: values.ALERT_WEBHOOK_SECRET }
        : null,
    providerSilenceAlertMs: values.PROVIDER_SILENCE_ALERT,
    trustProxy: values.TRUST_PROXY === 'true',
    logLevel: values.LOG_LEVEL,
  };
}
