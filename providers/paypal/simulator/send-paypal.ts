// Sends simulated PayPal IPNs to a gateway, one after the other, each with fresh ids.

import { endpointUrl, postForm } from '../../../src/cli/simulate/post-form';
import { randomPaypalIds } from './paypal-ids';
import { buildPaypalMessage, type PaypalMessage } from './paypal-message';
import type { PaypalTemplate } from './paypal-templates';

// What PayPal's own IPN requests identify as.
const PAYPAL_USER_AGENT = 'PayPal IPN ( https://www.paypal.com/ipn )';

export interface PaypalSendOptions {
  gatewayUrl: string;
  template: PaypalTemplate;
  count: number;
  key: string;
  receiverEmail?: string;
  amountCents?: number;
  currency?: string;
  charset?: string;
  sandbox?: boolean;
}

export interface PaypalSendResult {
  message: PaypalMessage;
  status: number;
  answer: string;
  /** PayPal only stops resending on a 200. */
  ok: boolean;
}

export async function sendPaypalMessages(
  options: PaypalSendOptions,
  onResult: (result: PaypalSendResult) => void = () => {},
): Promise<PaypalSendResult[]> {
  const url = endpointUrl(options.gatewayUrl, '/ipn/paypal');
  const results: PaypalSendResult[] = [];
  for (let sequence = 0; sequence < options.count; sequence++) {
    const message = buildPaypalMessage({ ...options, ids: randomPaypalIds(), now: new Date(), sequence });
    const answer = await postForm(url, message.body, PAYPAL_USER_AGENT);
    const result = { message, status: answer.status, answer: answer.body, ok: answer.status === 200 };
    results.push(result);
    onResult(result);
  }
  return results;
}
