// PayPal: IPN (verified by postback after the 200) and REST webhooks (verified offline with
// PayPal's signing certificate), per account.
import { defineProvider, type ProviderAccount } from '../types';
import { createIpnHandler } from './ipn';
import { accountSchema, defaultAccount, envSchema, type PayPalAccount, type PayPalShared } from './settings';
import { paypalTransitions } from './transitions';
import { createWebhookHandler } from './webhook/handler';

/**
 * The "pay yourself" attack: PayPal verifies any genuine IPN, including a payment someone made to
 * their own account with notify_url pointing here and invoice/custom naming one of our orders.
 * Only a receiver list tells those apart, so live mode without one is worth a warning.
 */
function receiverWarnings(
  shared: PayPalShared,
  accounts: ReadonlyArray<{ name: string; settings: PayPalAccount }>,
): string[] {
  if (shared.mode !== 'live') return [];
  const open = accounts.filter((account) => account.settings.receiverEmails.length === 0);
  if (open.length === 0) return [];
  const which = open.some((account) => account.name !== 'default')
    ? ` (accounts: ${open.map((account) => account.name).join(', ')})`
    : '';
  return [
    `PAYPAL_RECEIVER_EMAILS is not set in live mode${which}: anyone can pay their own PayPal account ` +
      'with notify_url pointing here and invoice/custom naming one of your orders, and PayPal will ' +
      'answer VERIFIED. Set PAYPAL_RECEIVER_EMAILS (or receiver_emails per account) to your receiving ' +
      'PayPal addresses.',
  ];
}

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
  warnings: receiverWarnings,
});
