// Pieces every simulated PayPal IPN is made of: the message context, the field-list shape and
// the fields many templates share. `null` entries in a field list are fields a message leaves out;
// `verify_sign` is a placeholder the builder fills in.

import type { FormPair } from '../../../src/cli/simulate/form-encoding';
import { formatCents } from '../../../src/cli/simulate/money';
import type { Persona } from '../../../src/cli/simulate/personas';
import type { EventType } from '../../types';
import type { PaypalIds } from './paypal-ids';

export interface PaypalContext {
  ids: PaypalIds;
  persona: Persona;
  receiverEmail: string;
  receiverId: string;
  amountCents: number;
  currency: string;
  charset: string;
  sandbox: boolean;
  now: Date;
}

export type TemplateField = FormPair | null;

export interface PaypalTemplate {
  /** The txn_type, or the payment_status for messages that carry none (refunds...). */
  name: string;
  eventType: EventType;
  summary: string;
  fields(context: PaypalContext): TemplateField[];
}

export const VERIFY_SIGN_PLACEHOLDER: FormPair = ['verify_sign', ''];

export const NOTIFY_VERSION: FormPair = ['notify_version', '3.9'];

// ---- shared pieces ----

export const gross = (c: PaypalContext, sign = 1) => formatCents(sign * c.amountCents);
/** PayPal's standard domestic rate, 2.9% + 0.30, rounded to the cent. */
export function paypalFee(cents: number): number {
  return Math.round((cents * 29) / 1000) + 30;
}

export const fee = (c: PaypalContext, sign = 1) => formatCents(sign * paypalFee(c.amountCents));
/** payment_gross/payment_fee are only filled for USD; other currencies send them empty. */
export const usdOnly = (c: PaypalContext, value: string) => (c.currency === 'USD' ? value : '');
export const testIpn = (c: PaypalContext): TemplateField => (c.sandbox ? ['test_ipn', '1'] : null);
export const custom = (c: PaypalContext): FormPair => ['custom', `acct_${c.ids.payerId.slice(0, 5)}`];
export const addressName = (c: PaypalContext): FormPair => [
  'address_name',
  `${c.persona.firstName} ${c.persona.lastName}`,
];
export const business = (c: PaypalContext): FormPair => ['business', c.receiverEmail];
export const receiverEmail = (c: PaypalContext): FormPair => ['receiver_email', c.receiverEmail];
export const charset = (c: PaypalContext): FormPair => ['charset', c.charset];
export const trackId = (c: PaypalContext): FormPair => ['ipn_track_id', c.ids.ipnTrackId];
