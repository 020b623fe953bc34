// 2Checkout (Verifone) IPN and LCN: inline HMAC verification, answered with a signed read receipt.
// Each account has its own secret key.
import { z } from 'zod';
import { optionalText } from '../../src/config/setting-types';
import { defineProvider } from '../types';
import { createReceiver } from './receive';
import { twocheckoutTransitions } from './transitions';

const envSchema = z
  .object({ TWOCHECKOUT_SECRET_KEY: optionalText })
  .transform((env) => ({ secretKey: env.TWOCHECKOUT_SECRET_KEY ?? null }));

const accountSchema = z
  .object({ secret_key: z.string().min(1, 'the account secret key is required') })
  .strict()
  .transform((account) => ({ secretKey: account.secret_key }));

type TwocheckoutShared = z.infer<typeof envSchema>;
type TwocheckoutAccount = z.infer<typeof accountSchema>;

export const twocheckoutPlugin = defineProvider<TwocheckoutShared, TwocheckoutAccount>({
  id: '2checkout',
  endpoints: [
    { kind: 'ipn', path: '/ipn/2checkout', answersGet: true },
    { kind: 'lcn', path: '/lcn/2checkout', answersGet: true },
  ],
  settings: {
    env: envSchema,
    account: accountSchema,
    defaultAccount: (shared) => (shared.secretKey === null ? null : { secretKey: shared.secretKey }),
    enabledBy: 'TWOCHECKOUT_SECRET_KEY',
  },
  transitions: twocheckoutTransitions,
  configure: (_shared, account) => ({ receive: createReceiver(account.secretKey) }),
});
