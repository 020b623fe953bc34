// PayPal: IPN (verified by postback after the 200) and REST webhooks (verified offline with
// PayPal's signing certificate), per account.
import { defineProvider, type ProviderAccount } from '../types';
import { createIpnHandler } from './ipn';
import { accountSchema, defaultAccount, envSchema, type PayPalAccount, type PayPalShared } from './settings';
import { paypalTransitions } from './transitions';
import { createWebhookHandler } from './webhook/handler';

// PayPal resends an IPN for about four days and a webhook for three; past that, give up.
const GIVE_UP_AFTER_MS = 4 * 24 * 3_600_000;

function configure(shared: PayPalShared, account: PayPalAccount): ProviderAccount {
  const ipn = createIpnHandler(shared, account);
  const webhook = createWebhookHandler(shared, account);
  return {
    receive: (request) => (request.kind === 'webhook' ? webhook.receive(request) : ipn.receive(request)),
    verifier: {
      verify: (message, now) =>
        message.kind === 'webhook' ? webhook.verify(message, now) : ipn.verify(message.rawBody),
      timeoutMs: shared.verifyTimeoutMs,
      retryScheduleMs: shared.verifyRetryScheduleMs,
      giveUpAfterMs: GIVE_UP_AFTER_MS,
    },
  };
}

export const paypalPlugin = defineProvider<PayPalShared, PayPalAccount>({
  id: 'paypal',
  endpoints: [
    { kind: 'ipn', path: '/ipn/paypal' },
    {
      kind: 'webhook',
      path: '/webhooks/paypal',
      requires: { variable: 'PAYPAL_WEBHOOK_ID', present: (account) => account.webhookId !== null },
    },
  ],
  settings: {
    env: envSchema,
    account: accountSchema,
    // IPN needs no setting: PayPal is on unless PROVIDERS leaves it out.
    defaultAccount,
    enabledBy: null,
  },
  transitions: paypalTransitions,
  configure,
});
