// Signs a webhook body the way PayPal does, for the simulator and the tests: the headers a
// genuine delivery carries.
import { randomUUID, sign } from 'node:crypto';
import { signedString } from '../webhook/signature';

export interface SignWebhookOptions {
  body: Buffer;
  webhookId: string;
  /** PEM private key of the certificate served at `certUrl`. */
  keyPem: string;
  certUrl: string;
  transmissionId?: string;
  transmissionTime?: string;
}

export function signWebhook(options: SignWebhookOptions): Record<string, string> {
  const transmissionId = options.transmissionId ?? randomUUID();
  const transmissionTime = options.transmissionTime ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const signed = signedString(transmissionId, transmissionTime, options.webhookId, options.body);
  const signature = sign('sha256', Buffer.from(signed, 'utf8'), options.keyPem).toString('base64');
  return {
    'content-type': 'application/json',
    'paypal-transmission-id': transmissionId,
    'paypal-transmission-time': transmissionTime,
    'paypal-transmission-sig': signature,
    'paypal-cert-url': options.certUrl,
    'paypal-auth-algo': 'SHA256withRSA',
    'paypal-auth-version': 'v2',
  };
}
