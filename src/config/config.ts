// The environment is read here, once, at boot; nothing else looks at process.env.
import { z } from 'zod';
import { PROVIDER_PLUGINS } from '../../providers/index';
import type { ProviderPlugin } from '../../providers/types';
import { parseNodeList } from '../queue/redis-target';
import { loadProvidersConfig, type ProvidersConfig } from './provider-config';
import { redisSettings } from './redis-settings';
import { commaList, duration, emptyAsUndefined, schedule, url } from './setting-types';

const DEFAULT_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h';

const envSchema = z.object({
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyAsUndefined, z.string().default('0.0.0.0')),
  DATABASE_URL: z.preprocess(emptyAsUndefined, url(['postgres:', 'postgresql:']).optional()),
  // false for PgBouncer in transaction pooling mode: no named server-side prepared statements.
  DATABASE_PREPARED_STATEMENTS: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).default('true')),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('./data')),
  // One URL, or with REDIS_CLUSTER=true a comma list of cluster nodes (checked in loadConfig).
  REDIS_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .trim()
      .superRefine((text, ctx) => {
        const parsed = parseNodeList(text);
        if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
      })
      .optional(),
  ),
  REDIS_CLUSTER: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).default('false')),
  QUEUE_PREFIX: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_.{}-]+$/, 'only letters, digits, "_", ".", "-" and a {hash tag}')
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
  /** False behind a transaction-pooling PgBouncer: statements are sent unnamed, never prepared. */
  databasePreparedStatements: boolean;
  dataDir: string;
  /**
   * Null when unset: the gateway then finds or starts a Redis itself. In cluster mode this is the
   * node list as one `cluster+redis://h1:7000,h2:7001` string (see src/queue/redis.ts), so every
   * place that opens a connection from it gets a cluster client.
   */
  redisUrl: string | null;
  redisCluster: boolean;
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
  // REDIS_URL, REDIS_CLUSTER and QUEUE_PREFIX are checked together (cluster mode needs all three).
  const redis = parsed.success
    ? redisSettings(parsed.data.REDIS_URL, parsed.data.REDIS_CLUSTER === 'true', parsed.data.QUEUE_PREFIX)
    : { url: null, problems: [] };
  problems.push(...redis.problems);
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const values = parsed.data;

  return {
    port: values.PORT,
    host: values.HOST,
    databaseUrl: values.DATABASE_URL ?? null,
    dataDir: values.DATA_DIR,
    databasePreparedStatements: values.DATABASE_PREPARED_STATEMENTS === 'true',
    redisUrl: redis.url,
    redisCluster: values.REDIS_CLUSTER === 'true',
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
    trustProxy: values.TRUST_PROXY === 'true',
    logLevel: values.LOG_LEVEL,
  };
}
