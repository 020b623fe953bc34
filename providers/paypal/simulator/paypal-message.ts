// Builds one simulated PayPal IPN body: the template's fields, form-encoded in the message's
// charset, with a simulator `verify_sign` (see simulator-signature.ts). Pure: the same options
// give the same bytes.

import { encodeForm, encodePair, type FormPair } from '../../../src/cli/simulate/form-encoding';
import { personaFor } from '../../../src/cli/simulate/personas';
import type { EventType } from '../../types';
import { type PaypalContext, type PaypalTemplate, VERIFY_SIGN_PLACEHOLDER } from './paypal-fields';
import type { PaypalIds } from './paypal-ids';
import { receiverIdFor } from './paypal-ids';
import { simulatorSignature } from './simulator-signature';

export const DEFAULT_RECEIVER_EMAIL = 'billing@acme-widgets.example';

export interface PaypalMessageOptions {
  template: PaypalTemplate;
  ids: PaypalIds;
  now: Date;
  /** Simulator key for verify_sign. */
  key: string;
  receiverEmail?: string;
  amountCents?: number;
  currency?: string;
  charset?: string;
  /** Sandbox messages carry test_ipn=1 (default true). */
  sandbox?: boolean;
  /** Picks the buyer, so a run of several messages shows several buyers. */
  sequence?: number;
}

export interface PaypalMessage {
  template: string;
  expectedType: EventType;
  /** Decoded fields in wire order, verify_sign included. */
  fields: FormPair[];
  body: Buffer;
  txnId: string | null;
}

export function buildPaypalMessage(options: PaypalMessageOptions): PaypalMessage {
  const receiverEmail = options.receiverEmail ?? DEFAULT_RECEIVER_EMAIL;
  const context: PaypalContext = {
    ids: options.ids,
    persona: personaFor(options.sequence ?? 0),
    receiverEmail,
    receiverId: receiverIdFor(receiverEmail),
    amountCents: options.amountCents ?? 2500,
    currency: options.currency ?? 'USD',
    charset: options.charset ?? 'windows-1252',
    sandbox: options.sandbox ?? true,
    now: options.now,
  };
  const fields = options.template.fields(context).filter((field): field is FormPair => field !== null);

  const unsigned = fields.filter((field) => field !== VERIFY_SIGN_PLACEHOLDER);
  const signature = simulatorSignature(encodeForm(unsigned, context.charset), options.key);
  const signed = fields.map(
    (field): FormPair => (field === VERIFY_SIGN_PLACEHOLDER ? ['verify_sign', signature] : field),
  );

  const body = signed.map((field) => encodePair(field, context.charset)).join('&');
  return {
    template: options.template.name,
    expectedType: options.template.eventType,
    fields: signed,
    body: Buffer.from(body, 'latin1'),
    txnId: signed.find(([name]) => name === 'txn_id')?.[1] ?? null,
  };
}
