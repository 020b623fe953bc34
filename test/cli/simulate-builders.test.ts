// The simulator's message builders, checked against the providers' own parsing and verification.
import { describe, expect, it } from 'vitest';
import { twocheckoutPlugin } from '../../providers/2checkout/index';
import { randomTwocheckoutIds } from '../../providers/2checkout/simulator/twocheckout-ids';
import {
  buildTwocheckoutMessage,
  SIGNATURE_ALGORITHMS,
  TWOCHECKOUT_EVENT_TYPES,
} from '../../providers/2checkout/simulator/twocheckout-message';
import { checkReceipt } from '../../providers/2checkout/simulator/twocheckout-receipt';
import { groupFields, parseForm, parseUtf8Form } from '../../providers/form';
import { paypalPlugin } from '../../providers/paypal/index';
import { postbackVerdict } from '../../providers/paypal/simulator/fake-paypal-server';
import { paypalDate } from '../../providers/paypal/simulator/paypal-dates';
import { randomPaypalIds } from '../../providers/paypal/simulator/paypal-ids';
import { buildPaypalMessage } from '../../providers/paypal/simulator/paypal-message';
import { findPaypalTemplate, PAYPAL_TEMPLATES } from '../../providers/paypal/simulator/paypal-templates';
import { DEFAULT_SIMULATOR_KEY } from '../../providers/paypal/simulator/simulator-signature';
import { encodeComponent } from '../../src/cli/simulate/form-encoding';
import { formatCents, parseAmount } from '../../src/cli/simulate/money';
import { fixture } from '../support/fixtures';
import { afterPostback, configureFromEnv, inbound } from '../support/plugins';

const SECRET = 'AABBCCDDEEFF';
const NOW = new Date('2026-11-21T12:00:00Z');
const PREFIX = 'cmd=_notify-validate&';

const settings = (mode: 'live' | 'sandbox') => ({
  PAYPAL_MODE: mode,
  PAYPAL_VERIFY_URL: 'http://127.0.0.1:9/unused',
  TWOCHECKOUT_SECRET_KEY: SECRET,
});

const paypal = configureFromEnv(paypalPlugin, settings('sandbox'));
const twocheckout = configureFromEnv(twocheckoutPlugin, settings('sandbox'));

function paypalMessage(type: string, overrides: Partial<Parameters<typeof buildPaypalMessage>[0]> = {}) {
  const template = findPaypalTemplate(type);
  if (!template) throw new Error(`no template ${type}`);
  return buildPaypalMessage({
    template,
    ids: randomPaypalIds(),
    now: NOW,
    key: DEFAULT_SIMULATOR_KEY,
    ...overrides,
  });
}

describe('form encoding', () => {
  it('encodes the charset bytes, + for spaces, upper-case escapes', () => {
    expect(encodeComponent('Renée Tremblay', 'windows-1252')).toBe('Ren%E9e+Tremblay');
    expect(encodeComponent('Renée Tremblay', 'UTF-8')).toBe('Ren%C3%A9e+Tremblay');
    expect(encodeComponent('m.reyes+shop@example.com', 'UTF-8')).toBe('m.reyes%2Bshop%40example.com');
    expect(encodeComponent('IPN_PID[]', 'utf-8')).toBe('IPN_PID%5B%5D');
  });

  it('keeps amounts in cents', () => {
    expect(parseAmount('12.5')).toBe(1250);
    expect(parseAmount('0')).toBeNull();
    expect(parseAmount('1e3')).toBeNull();
    expect(formatCents(-2500)).toBe('-25.00');
    expect(formatCents(7)).toBe('0.07');
  });

  it('writes PayPal dates in Pacific time', () => {
    expect(paypalDate(new Date('2025-03-04T17:14:27Z'))).toBe('09:14:27 Mar 04, 2025 PST');
    expect(paypalDate(new Date('2025-07-04T17:14:27Z'))).toBe('10:14:27 Jul 04, 2025 PDT');
  });
});

describe('PayPal message builder', () => {
  it.each(PAYPAL_TEMPLATES.map((template) => [template.name, template.eventType] as const))(
    '%s parses and the PayPal plugin makes %s',
    (name, eventType) => {
      for (const charset of ['windows-1252', 'UTF-8']) {
        const message = paypalMessage(name, { charset });
        expect(message.expectedType).toBe(eventType);
        const text = message.body.toString('latin1');
        expect(text).not.toMatch(/%20|[^\x21-\x7e]/);
        expect(parseForm(message.body).ok).toBe(true);
        expect(text).toMatch(/(^|&)test_ipn=1(&|$)/);
        expect(text).toContain(`charset=${charset}`);

        expect(paypal.receive(inbound('ipn', message.body, { now: NOW })).outcome).toBe('deferred');
        const verified = afterPostback(paypal, message.body);
        if (verified.outcome !== 'accepted') throw new Error(`not accepted: ${JSON.stringify(verified)}`);
        expect(verified.event.type).toBe(eventType);
        expect(verified.event.livemode).toBe(false);
        // Decoded with the body's own charset.
        expect(verified.event.data.customer.first_name).toBe('Renée');
      }
    },
  );

  it('resolves event types to their default message kind', () => {
    expect(findPaypalTemplate('payment.completed')?.name).toBe('web_accept');
    expect(findPaypalTemplate('subscription.created')?.name).toBe('recurring_payment_profile_created');
    expect(findPaypalTemplate('dispute.opened')?.name).toBe('new_case');
    expect(findPaypalTemplate('SUBSCR_SIGNUP')?.eventType).toBe('subscription.created');
    expect(findPaypalTemplate('payment.authorized')).toBeNull();
  });

  it('builds refunds with negative amounts and the parent transaction', () => {
    const message = paypalMessage('payment.refunded', { amountCents: 1234, currency: 'EUR' });
    const verified = afterPostback(paypal, message.body);
    if (verified.outcome !== 'accepted') throw new Error('not accepted');
    expect(verified.event.data).toMatchObject({
      amount: '-12.34',
      currency: 'EUR',
      provider_status: 'Refunded',
    });
    expect(verified.event.data.parent_transaction_id).toMatch(/^[0-9A-Z]{17}$/);
    expect(verified.event.data.transaction_id).toBe(message.txnId);
  });

  it('gives every message its own ids and the sandbox flag only in sandbox', () => {
    const first = paypalMessage('web_accept');
    const second = paypalMessage('web_accept');
    expect(first.txnId).not.toBe(second.txnId);
    const live = paypalMessage('web_accept', { sandbox: false });
    expect(live.body.toString()).not.toContain('test_ipn');
    const livePaypal = configureFromEnv(paypalPlugin, settings('live'));
    expect(afterPostback(livePaypal, live.body).outcome).toBe('accepted');
  });

  it('fake-paypal verifies unaltered messages only', () => {
    const message = paypalMessage('cart');
    const postback = (body: Buffer | string) => Buffer.concat([Buffer.from(PREFIX), Buffer.from(body)]);
    expect(postbackVerdict(postback(message.body), DEFAULT_SIMULATOR_KEY)).toBe('VERIFIED');
    expect(postbackVerdict(message.body, DEFAULT_SIMULATOR_KEY)).toBe('INVALID');
    expect(postbackVerdict(postback(message.body), 'another-key')).toBe('INVALID');
    const tampered = message.body.toString().replace(/mc_gross=[^&]*/, 'mc_gross=0.01');
    expect(postbackVerdict(postback(tampered), DEFAULT_SIMULATOR_KEY)).toBe('INVALID');
    const reordered = message.body.toString().split('&').reverse().join('&');
    expect(postbackVerdict(postback(reordered), DEFAULT_SIMULATOR_KEY)).toBe('INVALID');
    const unsigned = message.body.toString().replace(/&verify_sign=[^&]*/, '');
    expect(postbackVerdict(postback(unsigned), DEFAULT_SIMULATOR_KEY)).toBe('INVALID');
    // A real PayPal message (someone else's verify_sign) is not ours to verify.
    expect(
      postbackVerdict(postback(fixture('paypal', 'web_accept-completed.txt')), DEFAULT_SIMULATOR_KEY),
    ).toBe('INVALID');
  });
});

describe('2Checkout message builder', () => {
  const algorithms = [...SIGNATURE_ALGORITHMS.map((algorithm) => [algorithm]), SIGNATURE_ALGORITHMS];

  it.each(TWOCHECKOUT_EVENT_TYPES)('%s is accepted with a correct receipt for every algorithm', (type) => {
    for (const chosen of algorithms) {
      const message = buildTwocheckoutMessage({
        type,
        ids: randomTwocheckoutIds(),
        now: NOW,
        secretKey: SECRET,
        algorithms: chosen,
      });
      expect(message.receiptAlgorithm).toBe(chosen.at(-1));
      const parsed = parseUtf8Form(message.body);
      if (!parsed.ok) throw new Error(parsed.reason);
      expect(groupFields(parsed.fields)).toEqual(message.fields);

      const decision = twocheckout.receive(inbound(message.kind, message.body, { now: NOW }));
      if (decision.outcome !== 'accepted') throw new Error(`not accepted: ${JSON.stringify(decision)}`);
      expect(decision.event.type).toBe(type);
      expect(decision.event.livemode).toBe(false);
      const check = checkReceipt(
        {
          kind: message.kind,
          fields: message.fields,
          algorithm: message.receiptAlgorithm,
          secretKey: SECRET,
        },
        decision.response.body,
      );
      expect(check).toEqual({ ok: true, algorithm: message.receiptAlgorithm, date: '20261121120000' });
    }
  });

  it('sends arrays as repeated NAME[] keys and UTF-8 names', () => {
    const message = buildTwocheckoutMessage({
      type: 'payment.refunded',
      ids: randomTwocheckoutIds(),
      now: NOW,
      secretKey: SECRET,
      algorithms: ['sha256'],
    });
    const text = message.body.toString();
    expect(text.match(/IPN_PID%5B%5D=/g)).toHaveLength(2);
    expect(text).toContain('FIRSTNAME=H%C3%A9l%C3%A8ne');
    expect(text).toContain('IPN_TOTALGENERAL=-82.80');
    expect(text).not.toContain('HASH=');
    expect(text).not.toContain('SIGNATURE_SHA3_256=');
  });

  it('rejects as the gateway would when signed with another key', () => {
    const message = buildTwocheckoutMessage({
      type: 'payment.completed',
      ids: randomTwocheckoutIds(),
      now: NOW,
      secretKey: 'not-the-key',
      algorithms: SIGNATURE_ALGORITHMS,
    });
    const decision = twocheckout.receive(inbound('ipn', message.body, { now: NOW }));
    expect(decision.outcome).toBe('rejected');
  });

  it('checks receipts against the published vector and spots wrong ones', () => {
    const parsed = parseUtf8Form(fixture('2checkout', 'ipn-complete-all-signatures.txt'));
    if (!parsed.ok) throw new Error(parsed.reason);
    const fields = groupFields(parsed.fields);
    const expect3 = { kind: 'ipn' as const, fields, algorithm: 'sha3-256' as const, secretKey: SECRET };
    const vector =
      '<sig algo="sha3-256" date="20261121120000">4b5ea8cda85e19e032e2ae929d9a5bf3ca23e7516a9ff8c658a6e5a59c8acf90</sig>';
    expect(checkReceipt(expect3, `<html>${vector}</html>`)).toEqual({
      ok: true,
      algorithm: 'sha3-256',
      date: '20261121120000',
    });
    const md5 = '<EPAYMENT>20261121120000|1dd7d8b9bf87b7fbd0b94c1705aaa4f0</EPAYMENT>';
    expect(checkReceipt({ ...expect3, algorithm: 'md5' }, md5).ok).toBe(true);
    expect(checkReceipt(expect3, md5)).toMatchObject({ ok: false, problem: expect.stringContaining('md5') });
    expect(checkReceipt({ ...expect3, secretKey: 'other' }, vector)).toMatchObject({
      ok: false,
      problem: expect.stringContaining('does not match'),
    });
    expect(checkReceipt(expect3, '')).toEqual({ ok: false, problem: 'no receipt in the answer' });
    expect(checkReceipt(expect3, vector.replace('20261121120000', '2026112112000'))).toMatchObject({
      ok: false,
    });
  });
});
