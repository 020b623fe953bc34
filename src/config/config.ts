// The environment is read here, once, at boot; nothing else looks at process.env.
import { z } from 'zod';
import { PROVIDER_IDS } from '../../providers/index';
import { parseDuration } from './duration';

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
  if (values.ALERT_WEBHOOK_URL && !values.ALERT_WEBHOOK_SECRET) {
    problems.push('ALERT_WEBHOOK_SECRET: required when ALERT_WEBHOOK_URL is set (a whsec_ secret)');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    port: values.PORT,
    host: values.HOST,
    databaseUrl: values.DATABASE_URL ?? null,
    dataDir: values.DATA_DIR,
    redisUrl: values.REDIS_URL ?? null,
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
