// The environment is read here, once, at boot; nothing else looks at process.env.
import { z } from 'zod';
import { PROVIDER_PLUGINS } from '../../providers/index';
import type { ProviderPlugin } from '../../providers/types';
import { parseNodeList } from '../queue/redis-target';
import { parseDuration } from './duration';
import { parseEncryptionKey } from './encryption-key';
import { loadProvidersConfig, type ProvidersConfig } from './provider-config';
import { redisSettings } from './redis-settings';
import { commaList, duration, emptyAsUndefined, schedule, url } from './setting-types';
import { parseTrustProxy, type TrustProxy } from './trust-proxy';

export type { TrustProxy } from './trust-proxy';

const DEFAULT_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h';

const positiveInt = (fallback: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(fallback));

// 32 bytes as base64 or hex; kept as the raw key.
const encryptionKey = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return undefined;
      const key = parseEncryptionKey(text);
      if (key === null) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be 32 bytes, written as base64 (44 chars) or hex (64 chars)',
        });
        return z.NEVER;
      }
      return key;
    }),
);
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
  TRUST_PROXY: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default('false')
      .transform((text, ctx) => {
        const parsed = parseTrustProxy(text);
        if (typeof parsed === 'string') {
          ctx.addIssue({ code: 'custom', message: parsed });
          return z.NEVER;
        }
        return parsed;
      }),
  ),
  RETENTION: duration('90d'),
  RETENTION_INTERVAL: duration('5m'),
  ENCRYPTION_KEY: encryptionKey,
  ENCRYPTION_KEY_PREVIOUS: encryptionKey,
  HEADERS_TIMEOUT: duration('20s'),
  REQUEST_TIMEOUT: duration('30s'),
  KEEP_ALIVE_TIMEOUT: duration('5s'),
  MAX_CONNECTIONS: positiveInt(10_000),
  MAX_CONNECTIONS_PER_ADDRESS: positiveInt(256),
  INGEST_BATCH_BYTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1024).default(4_194_304)),
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
  /** Auto-disable a subscriber that failed this long; null = never. */
  subscriberDisableAfterMs: number | null;
  alerts: { url: string; secret: string } | null;
  /** Alert when an enabled provider sent nothing this long; null = off. */
  providerSilenceAlertMs: number | null;
  trustProxy: TrustProxy;
  /** How long messages, events, deliveries and attempts are kept (and how far back recover may reach). */
  retentionMs: number;
  /** How often the retention worker looks for expired rows. */
  retentionIntervalMs: number;
  encryption: {
    /** The subscriber-secret key; null means "the one kept under DATA_DIR" (made on first start). */
    key: Buffer | null;
    /** During a key rotation: the old key, still accepted for decryption. */
    previousKey: Buffer | null;
  };
  http: {
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
    maxConnections: number;
    maxConnectionsPerAddress: number;
  };
  /** Group commit: one ingest statement carries at most this many body bytes. */
  ingestBatchBytes: number;
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
  if (parsed.success && parsed.data.ALERT_WEBHOOK_URL && !parsed.data.ALERT_WEBHOOK_SECRET) {
    problems.push('ALERT_WEBHOOK_SECRET: required when ALERT_WEBHOOK_URL is set (a whsec_ secret)');
  }
  // Node refuses to start a server whose header timeout is longer than its request timeout.
  if (parsed.success && parsed.data.HEADERS_TIMEOUT > parsed.data.REQUEST_TIMEOUT) {
    problems.push('HEADERS_TIMEOUT: must not be longer than REQUEST_TIMEOUT');
  }
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
    subscriberDisableAfterMs: values.SUBSCRIBER_DISABLE_AFTER,
    alerts:
      values.ALERT_WEBHOOK_URL && values.ALERT_WEBHOOK_SECRET
        ? { url: values.ALERT_WEBHOOK_URL, secret: values.ALERT_WEBHOOK_SECRET }
        : null,
    providerSilenceAlertMs: values.PROVIDER_SILENCE_ALERT,
    trustProxy: values.TRUST_PROXY,
    retentionMs: values.RETENTION,
    retentionIntervalMs: values.RETENTION_INTERVAL,
    encryption: { key: values.ENCRYPTION_KEY ?? null, previousKey: values.ENCRYPTION_KEY_PREVIOUS ?? null },
    http: {
      headersTimeoutMs: values.HEADERS_TIMEOUT,
      requestTimeoutMs: values.REQUEST_TIMEOUT,
      keepAliveTimeoutMs: values.KEEP_ALIVE_TIMEOUT,
      maxConnections: values.MAX_CONNECTIONS,
      maxConnectionsPerAddress: values.MAX_CONNECTIONS_PER_ADDRESS,
    },
    ingestBatchBytes: values.INGEST_BATCH_BYTES,
    logLevel: values.LOG_LEVEL,
  };
}
