// 2Checkout (Verifone) IPN and LCN: inline HMAC verification, answered with a signed read receipt.
import type { ProviderPlugin, ProviderSettings } from '../types';
import { createReceiver } from './receive';

function secretKeyOf(settings: ProviderSettings): string | null {
  const secretKey = settings.twocheckout.secretKey;
  return typeof secretKey === 'string' && secretKey.length > 0 ? secretKey : null;
}

export const twocheckoutPlugin: ProviderPlugin = {
  id: '2checkout',
  isConfigured: (settings) => secretKeyOf(settings) !== null,
  enabledBy: 'TWOCHECKOUT_SECRET_KEY',
  configure(settings) {
    const secretKey = secretKeyOf(settings);
    if (secretKey === null) throw new Error('2checkout: TWOCHECKOUT_SECRET_KEY is not set');
    return {
      id: '2checkout',
      endpoints: [
        { kind: 'ipn', path: '/ipn/2checkout', answersGet: true },
        { kind: 'lcn', path: '/lcn/2checkout', answersGet: true },
      ],
      receive: createReceiver(secretKey),
    };
  },
};
