// PayPal's settings: environment variables (the `default` account, and what every account shares)
// and the per-account fields of ACCOUNTS_FILE.
import { z } from 'zod';
import {
  commaList,
  duration,
  emptyAsUndefined,
  fileContents,
  optionalText,
  schedule,
  stringList,
  url,
} from '../../src/config/setting-types';

const VERIFY_URLS = {
  live: 'https://ipnpb.paypal.com/cgi-bin/webscr',
  sandbox: 'https://ipnpb.sandbox.paypal.com/cgi-bin/webscr',
} as const;

const CERT_URL_PREFIXES = {
  live: ['https://api.paypal.com/', 'https://api-m.paypal.com/'],
  sandbox: ['https://api.sandbox.paypal.com/', 'https://api-m.sandbox.paypal.com/'],
} as const;

// The last delay repeats until PayPal's own resend window (about four days) has passed.
const DEFAULT_VERIFY_SCHEDULE = '10s,30s,1m,5m,15m,30m,1h';

export const USER_AGENT = 'ipn-gateway/0.1 (+PayPal IPN postback)';

export type PayPalMode = 'live' | 'sandbox';

export const envSchema = z
  .object({
    PAYPAL_MODE: z.preprocess(emptyAsUndefined, z.enum(['live', 'sandbox']).default('live')),
    PAYPAL_VERIFY_URL: z.preprocess(emptyAsUndefined, url(['https:', 'http:']).optional()),
    PAYPAL_RECEIVER_EMAILS: commaList,
    PAYPAL_VERIFY_TIMEOUT: duration('30s'),
    PAYPAL_VERIFY_RETRY_SCHEDULE: schedule(DEFAULT_VERIFY_SCHEDULE),
    PAYPAL_WEBHOOK_ID: optionalText,
    PAYPAL_WEBHOOK_CERT_URL_PREFIXES: commaList,
    PAYPAL_WEBHOOK_CA_FILE: fileContents,
  })
  .transform((env) => ({
    mode: env.PAYPAL_MODE as PayPalMode,
    verifyUrl: env.PAYPAL_VERIFY_URL ?? VERIFY_URLS[env.PAYPAL_MODE],
    receiverEmails: env.PAYPAL_RECEIVER_EMAILS ?? [],
    verifyTimeoutMs: env.PAYPAL_VERIFY_TIMEOUT,
    verifyRetryScheduleMs: env.PAYPAL_VERIFY_RETRY_SCHEDULE,
    webhookId: env.PAYPAL_WEBHOOK_ID ?? null,
    // Live prefixes always; sandbox ones only in sandbox mode. A value set here is used as given.
    certUrlPrefixes:
      env.PAYPAL_WEBHOOK_CERT_URL_PREFIXES ??
      (env.PAYPAL_MODE === 'sandbox'
        ? [...CERT_URL_PREFIXES.live, ...CERT_URL_PREFIXES.sandbox]
        : [...CERT_URL_PREFIXES.live]),
    /** PEM bundle of trusted CAs; null means the system's roots. */
    caBundle: env.PAYPAL_WEBHOOK_CA_FILE ?? null,
    userAgent: USER_AGENT,
  }));

export type PayPalShared = z.infer<typeof envSchema>;

export const accountSchema = z
  .object({
    receiver_emails: stringList.optional(),
    webhook_id: z.string().trim().min(1).optional(),
  })
  .strict()
  .transform((account) => ({
    receiverEmails: account.receiver_emails ?? [],
    webhookId: account.webhook_id ?? null,
  }));

export type PayPalAccount = z.infer<typeof accountSchema>;

export function defaultAccount(shared: PayPalShared): PayPalAccount {
  return { receiverEmails: shared.receiverEmails, webhookId: shared.webhookId };
}
