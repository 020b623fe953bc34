// The environment is read here, once, at boot; nothing else looks at process.env.
import { z } from 'zod';
import { PROVIDER_IDS } from '../../providers/index';
import { parseNodeList } from '../queue/redis-target';
import { parseDuration } from './duration';
import { redisSettings } from './redis-settings';

const PAYPAL_VERIFY_URLS = {
  live: 'https://ipnpb.paypal.com/cgi-bin/webscr',
  sandbox: 'https://ipnpb.sandbox.paypal.com/cgi-bin/webscr',
} as const;

const DEFAULT_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h';
// The last delay repeats until PayPal's own resend window (about four days) has passed.
const DEFAULT_VERIFY_SCHEDULE = '10s,30s,1m,5m,15m,30m,1h';

const emptyAsUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const optionalText = z.preprocess(emptyAsUndefined, z.string().trim().optional());

const duration = (fallback: string) =>
  z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default(fallback)
      .transform((text, ctx) => {
        const ms = parseDuration(text);
        if (ms === null || ms <= 0) {
          ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration like 500ms, 15s, 5m or 2h` });
          return z.NEVER;
        }
        return ms;
      }),
  );

const schedule = (fallback: string) =>
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

const commaList = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .optional()
    .transform((text) =>
      text === undefined
        ? undefined
        : text
            .split(',')
            .map((item) => item.trim())
            .filter((item) => item.length > 0),
    ),
);

const url = (protocols: string[]) =>
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
  PAYPAL_MODE: z.preprocess(emptyAsUndefined, z.enum(['live', 'sandbox']).default('live')),
  PAYPAL_VERIFY_URL: z.preprocess(emptyAsUndefined, url(['https:', 'http:']).optional()),
  PAYPAL_RECEIVER_EMAILS: commaList,
  PAYPAL_VERIFY_TIMEOUT: duration('30s'),
  PAYPAL_VERIFY_RETRY_SCHEDULE: schedule(DEFAULT_VERIFY_SCHEDULE),
  TWOCHECKOUT_SECRET_KEY: optionalText,
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
  providers: string[];
  paypal: {
    mode: 'live' | 'sandbox';
    verifyUrl: string;
    receiverEmails: string[];
    verifyTimeoutMs: number;
    verifyRetryScheduleMs: number[];
    userAgent: string;
  };
  twocheckout: { secretKey: string | null };
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

const USER_AGENT = 'ipn-gateway/0.1 (+PayPal IPN postback)';

/** Parses the environment; throws ConfigError listing one line per problem. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const values = parsed.data;
  const problems: string[] = [];
  const secretKey = values.TWOCHECKOUT_SECRET_KEY ?? null;

  const configured = PROVIDER_IDS.filter((id) => id !== '2checkout' || secretKey !== null);
  const providers = values.PROVIDERS ?? configured;
  for (const id of providers) {
    if (!PROVIDER_IDS.includes(id)) {
      problems.push(`PROVIDERS: unknown provider "${id}" (known: ${PROVIDER_IDS.join(', ')})`);
    } else if (id === '2checkout' && secretKey === null) {
      problems.push('PROVIDERS: 2checkout is enabled but TWOCHECKOUT_SECRET_KEY is not set');
    }
  }
  const redis = redisSettings(values.REDIS_URL, values.REDIS_CLUSTER === 'true', values.QUEUE_PREFIX);
  problems.push(...redis.problems);
  if (problems.length > 0) throw new ConfigError(problems);

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
    providers: [...new Set(providers)],
    paypal: {
      mode: values.PAYPAL_MODE,
      verifyUrl: values.PAYPAL_VERIFY_URL ?? PAYPAL_VERIFY_URLS[values.PAYPAL_MODE],
      receiverEmails: values.PAYPAL_RECEIVER_EMAILS ?? [],
      verifyTimeoutMs: values.PAYPAL_VERIFY_TIMEOUT,
      verifyRetryScheduleMs: values.PAYPAL_VERIFY_RETRY_SCHEDULE,
      userAgent: USER_AGENT,
    },
    twocheckout: { secretKey },
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
