// A provider that exists only in the tests, registered from here without touching src/: proof
// that the core knows providers only through their plugin declarations. "testpay" has an
// endpoint verified inline (an HMAC header) and one verified out of band (the core asks a
// confirmation URL, as it does PayPal's postback).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import {
  defineProvider,
  type InboundDecision,
  type NormalizedEvent,
  type VerifyStep,
} from '../../providers/types';

const envSchema = z
  .object({ TESTPAY_TOKEN: z.string().min(1).optional(), TESTPAY_CONFIRM_URL: z.string().optional() })
  .transform((env) => ({ token: env.TESTPAY_TOKEN ?? null, confirmUrl: env.TESTPAY_CONFIRM_URL ?? null }));

const accountSchema = z
  .object({ token: z.string().min(1) })
  .transform((account) => ({ token: account.token }));

interface Notice {
  id: string;
  status: 'paid' | 'refunded';
  amount: string;
}

function parse(rawBody: Buffer): Notice | null {
  try {
    const value = JSON.parse(rawBody.toString('utf8'));
    return typeof value?.id === 'string' && typeof value?.amount === 'string' ? (value as Notice) : null;
  } catch {
    return null;
  }
}

function toEvent(notice: Notice): NormalizedEvent {
  return {
    type: notice.status === 'refunded' ? 'payment.refunded' : 'payment.completed',
    livemode: false,
    occurredAt: null,
    data: {
      transaction_id: notice.id,
      parent_transaction_id: null,
      order_id: null,
      subscription_id: null,
      provider_status: notice.status,
      amount: notice.amount,
      currency: 'EUR',
      fee: null,
      customer: { email: null, first_name: null, last_name: null, country: null },
      items: [],
      reason: null,
      receiver: null,
    },
    raw: { ...notice },
  };
}

export const signNotice = (token: string, body: Buffer) =>
  createHmac('sha256', token).update(body).digest('hex');

export const testpayPlugin = defineProvider({
  id: 'testpay',
  endpoints: [
    { kind: 'notice', path: '/notices/testpay' },
    { kind: 'callback', path: '/callbacks/testpay' },
  ],
  settings: {
    env: envSchema,
    account: accountSchema,
    defaultAccount: (shared) => (shared.token === null ? null : { token: shared.token }),
    enabledBy: 'TESTPAY_TOKEN',
  },
  configure(shared, account) {
    return {
      receive(request): InboundDecision {
        const notice = parse(request.rawBody);
        if (notice === null)
          return { outcome: 'malformed', reason: 'not a notice', response: { status: 400, body: '' } };
        const key = `tp:${notice.id}:${notice.status}`;
        if (request.kind === 'callback')
          return { outcome: 'deferred', idempotencyKey: key, response: { status: 202, body: '' } };
        const given = Buffer.from(request.headers['x-testpay-signature'] ?? '', 'utf8');
        const wanted = Buffer.from(signNotice(account.token, request.rawBody), 'utf8');
        if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
          return {
            outcome: 'rejected',
            reason: 'bad x-testpay-signature',
            idempotencyKey: key,
            response: { status: 401, body: '' },
          };
        }
        return {
          outcome: 'accepted',
          idempotencyKey: key,
          event: toEvent(notice),
          response: { status: 200, body: 'ok' },
        };
      },
      verifier: {
        verify(message): VerifyStep {
          const notice = parse(message.rawBody);
          if (notice === null || shared.confirmUrl === null)
            return { step: 'invalid', reason: 'cannot confirm' };
          return {
            step: 'request',
            request: { method: 'GET', url: `${shared.confirmUrl}${notice.id}` },
            continueWith(answer) {
              if (!answer.ok || answer.status >= 500)
                return { step: 'retry', reason: 'confirmation unavailable' };
              if (answer.body.toString() !== 'genuine') return { step: 'invalid', reason: 'not confirmed' };
              return {
                step: 'verified',
                decision: {
                  outcome: 'accepted',
                  idempotencyKey: `tp:${notice.id}:${notice.status}`,
                  event: toEvent(notice),
                },
              };
            },
          };
        },
        timeoutMs: 2_000,
        retryScheduleMs: [50],
        giveUpAfterMs: 60_000,
      },
    };
  },
});
