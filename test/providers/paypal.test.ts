import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parsePayPalDate } from '../../providers/paypal/dates';
import { paypalPlugin } from '../../providers/paypal/index';
import { interpretPostback } from '../../providers/paypal/postback';
import type { EventType, NormalizedEvent, ProviderAccount } from '../../providers/types';
import { FIXTURES_DIR, PAYPAL_FIXTURE_TYPES, PAYPAL_WINDOWS_1252_SAMPLE } from '../support/fixtures';
import { afterPostback, configureFromEnv, inbound, runCheckWith } from '../support/plugins';

const FIXTURES = path.join(FIXTURES_DIR, 'paypal');
const VERIFY_URL = 'http://127.0.0.1:9/cgi-bin/webscr';
const USER_AGENT = 'ipn-gateway/0.1 (+PayPal IPN postback)';

function provider(mode: 'live' | 'sandbox', receiverEmails: string[] = []): ProviderAccount {
  return configureFromEnv(paypalPlugin, {
    PAYPAL_MODE: mode,
    PAYPAL_VERIFY_URL: VERIFY_URL,
    PAYPAL_RECEIVER_EMAILS: receiverEmails.join(','),
  });
}

function fixture(name: string): Buffer {
  return readFileSync(path.join(FIXTURES, name));
}

const body = (text: string) => Buffer.from(text, 'latin1');
const now = new Date('2026-01-01T00:00:00Z');

function receive(configured: ProviderAccount, rawBody: Buffer) {
  return configured.receive(
    inbound('ipn', rawBody, { contentType: 'application/x-www-form-urlencoded', now }),
  );
}

/** The postback the core is asked to send, and the decision after PayPal answers VERIFIED. */
function verifier(configured: ProviderAccount) {
  return {
    afterVerified: (rawBody: Buffer) => afterPostback(configured, rawBody),
    postbackRequest(rawBody: Buffer) {
      const { requests } = runCheckWith(configured, { kind: 'ipn', rawBody }, () => ({
        ok: false,
        error: 'x',
      }));
      const request = requests[0];
      if (!request?.body) throw new Error('no postback requested');
      return { ...request, body: request.body };
    },
    interpretPostback,
  };
}

/** receive → deferred, then a VERIFIED postback → accepted; returns the event and both keys. */
function acceptEvent(rawBody: Buffer, mode: 'live' | 'sandbox' = 'live', receiverEmails: string[] = []) {
  const configured = provider(mode, receiverEmails);
  const decision = receive(configured, rawBody);
  if (decision.outcome !== 'deferred') throw new Error(`expected deferred, got ${JSON.stringify(decision)}`);
  const verified = verifier(configured).afterVerified(rawBody);
  if (verified.outcome !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(verified)}`);
  return { event: verified.event, key: verified.idempotencyKey, receivedKey: decision.idempotencyKey };
}

function eventOf(rawBody: Buffer, mode: 'live' | 'sandbox' = 'live'): NormalizedEvent {
  return acceptEvent(rawBody, mode).event;
}

/** A fixture with fields replaced or appended, keeping wire order. */
function withFields(rawBody: Buffer, changes: Record<string, string | null>): Buffer {
  const pending = new Map(Object.entries(changes));
  const pairs: string[] = [];
  for (const pair of rawBody.toString('latin1').split('&')) {
    const name = pair.split('=', 1)[0] ?? '';
    if (!pending.has(name)) {
      pairs.push(pair);
      continue;
    }
    const value = pending.get(name);
    pending.delete(name);
    if (value !== null && value !== undefined) pairs.push(`${name}=${value}`);
  }
  for (const [name, value] of pending) if (value !== null) pairs.push(`${name}=${value}`);
  return body(pairs.join('&'));
}

const isSandboxBody = (rawBody: Buffer) => /(^|&)test_ipn=1(&|$)/.test(rawBody.toString('latin1'));

// From docs/protocols/paypal-ipn.md section 7 (not fixtures).
const S9 = body(PAYPAL_WINDOWS_1252_SAMPLE);
const S10 = body(
  'mc_gross=189.90&protection_eligibility=Eligible&address_status=confirmed&payer_id=AWBJSR8EKD5HZ&address_street=Rua+Augusta%2C+1508&payment_date=08%3A55%3A09+May+06%2C+2025+PDT&payment_status=Pending&charset=UTF-8&address_zip=01304-001&first_name=Jos%C3%A9&address_country_code=BR&address_name=Jos%C3%A9+Concei%C3%A7%C3%A3o&notify_version=3.9&custom=acct_60115&payer_status=verified&business=billing%40acme-widgets.example&address_country=Brazil&address_city=S%C3%A3o+Paulo&quantity=1&verify_sign=ADKVj36u.rahheacOyRLv2EZrJENAQHseYKHSqjJAjLr.DoiYqFvdEhl&payer_email=jose.conceicao%40example.com.br&txn_id=5Y87927448UE9177M&payment_type=instant&last_name=Concei%C3%A7%C3%A3o&address_state=SP&receiver_email=billing%40acme-widgets.example&pending_reason=paymentreview&receiver_id=RH7C366NHLF4Z&txn_type=express_checkout&item_name=Caf%C3%A9+Starter+Kit+%E2%80%93+Brasil&mc_currency=BRL&invoice=ORD-100917&residence_country=BR&transaction_subject=&payment_gross=&ipn_track_id=a2184de7002d2',
);

describe('paypal plugin', () => {
  it('is always configured and declares its IPN and webhook endpoints', () => {
    expect(paypalPlugin.id).toBe('paypal');
    expect(paypalPlugin.settings.defaultAccount(paypalPlugin.settings.env.parse({}))).not.toBeNull();
    expect(paypalPlugin.endpoints.map(({ kind, path }) => ({ kind, path }))).toEqual([
      { kind: 'ipn', path: '/ipn/paypal' },
      { kind: 'webhook', path: '/webhooks/paypal' },
    ]);
    expect(paypalPlugin.endpoints[1]?.requires?.variable).toBe('PAYPAL_WEBHOOK_ID');
  });

  it('sends the postback itself through the core: cmd=_notify-validate& + the exact bytes', () => {
    const rawBody = fixture('web_accept-completed.txt');
    const { requests, result } = runCheckWith(provider('live'), { kind: 'ipn', rawBody }, () => ({
      ok: true,
      status: 200,
      body: Buffer.from('INVALID'),
    }));
    expect(requests).toHaveLength(1);
    expect(requests[0]?.method).toBe('POST');
    expect(requests[0]?.url).toBe(VERIFY_URL);
    expect(requests[0]?.headers?.['user-agent']).toMatch(/ipn-gateway/);
    expect(requests[0]?.body?.equals(Buffer.concat([Buffer.from('cmd=_notify-validate&'), rawBody]))).toBe(
      true,
    );
    expect(result).toMatchObject({ step: 'invalid', reason: expect.stringMatching(/INVALID/) });
  });

  it('answers a well-formed message with an empty 200 and defers it', () => {
    const decision = receive(provider('live'), fixture('web_accept-completed.txt'));
    expect(decision).toEqual({
      outcome: 'deferred',
      idempotencyKey: 'pp:live:RH7C366NHLF4Z:txn:4F74627603JA3770W:Completed',
      response: { status: 200, body: '' },
    });
  });
});

describe('fixtures', () => {
  it('covers every fixture file', () => {
    const files = readdirSync(FIXTURES).filter((file) => file.endsWith('.txt'));
    expect(files.sort()).toEqual(Object.keys(PAYPAL_FIXTURE_TYPES).sort());
  });

  it('seed files are sandbox messages except the failed recurring payment', () => {
    const sandbox = Object.keys(PAYPAL_FIXTURE_TYPES).filter((file) => isSandboxBody(fixture(file)));
    expect(sandbox.sort()).toEqual(
      Object.keys(PAYPAL_FIXTURE_TYPES)
        .filter((file) => file.startsWith('seed-') && file !== 'seed-recurring_payment_failed-active.txt')
        .sort(),
    );
  });

  for (const [file, type] of Object.entries(PAYPAL_FIXTURE_TYPES)) {
    it(`${file} → ${type}`, () => {
      const rawBody = fixture(file);
      const sandbox = isSandboxBody(rawBody);
      const { event, key, receivedKey } = acceptEvent(rawBody, sandbox ? 'sandbox' : 'live');
      expect(event.type).toBe(type);
      expect(event.livemode).toBe(!sandbox);
      expect(key).toBe(receivedKey);
      expect(key.startsWith(sandbox ? 'pp:sandbox:' : 'pp:live:')).toBe(true);
    });
  }
});

describe('charset decoding', () => {
  it('decodes the gb2312 seed with its charset', () => {
    const event = eventOf(fixture('seed-cart-completed.txt'), 'sandbox');
    expect(event.raw.charset).toBe('gb2312');
    expect(event.raw.address_city).toBe('Shanghai');
    expect(event.raw.address_street).toBe('NO 1 Nan Jin Road');
    expect(event.data.items.map((item) => item.name)).toEqual(['Ground Coffee 40 oz', 'Granola bars']);
  });

  it('decodes Chinese text in a gb2312 body', () => {
    // The seed itself carries only ASCII; put 上海 (gb2312 C9CF BAA3) in its city.
    const escaped = [...iconv.encode('上海', 'gb2312')].map((byte) => `%${byte.toString(16).toUpperCase()}`);
    expect(escaped.join('')).toBe('%C9%CF%BA%A3');
    const rawBody = withFields(fixture('seed-cart-completed.txt'), { address_city: escaped.join('') });
    expect(eventOf(rawBody, 'sandbox').raw.address_city).toBe('上海');
  });

  it('S9: windows-1252 %E9', () => {
    const event = eventOf(S9);
    expect(event.type).toBe('payment.pending');
    expect(event.data.customer.first_name).toBe('Renée');
    expect(event.raw.address_city).toBe('Montréal');
    expect(event.raw.address_street).toBe('1200 rue de la Gauchetière O');
    expect(event.data.items).toEqual([{ name: 'Café Starter Kit', quantity: 1, amount: '48.50' }]);
    expect(event.data.reason).toBe('multi_currency');
    expect(event.data.fee).toBeNull();
  });

  it('S10: UTF-8', () => {
    const event = eventOf(S10);
    expect(event.type).toBe('payment.pending');
    expect(event.data.customer.first_name).toBe('José');
    expect(event.data.customer.last_name).toBe('Conceição');
    expect(event.raw.address_city).toBe('São Paulo');
    expect(event.data.items[0]?.name).toBe('Café Starter Kit – Brasil');
  });

  it('falls back to windows-1252 for an unknown charset instead of failing', () => {
    const rawBody = withFields(S9, { charset: 'x-no-such-charset' });
    expect(eventOf(rawBody).data.customer.first_name).toBe('Renée');
  });

  it('falls back to windows-1252 when charset is missing', () => {
    const rawBody = withFields(S9, { charset: null });
    expect(eventOf(rawBody).data.customer.first_name).toBe('Renée');
  });
});

describe('idempotency keys (protocol section 7)', () => {
  const cases: Array<[string, string, string]> = [
    ['S1', 'web_accept-completed.txt', 'pp:live:RH7C366NHLF4Z:txn:4F74627603JA3770W:Completed'],
    ['S3', 'refunded-of-web_accept.txt', 'pp:live:RH7C366NHLF4Z:txn:8C89629779AH3844B:Refunded'],
    ['S6', 'subscr_payment-completed-gbp.txt', 'pp:live:RH7C366NHLF4Z:txn:9U11112374GU8680V:Completed'],
    // S7 has no receiver_id: the receiver part falls back to receiver_email.
    [
      'S7',
      'recurring_payment_skipped.txt',
      'pp:live:billing@acme-widgets.example:I-W4T9D2L6KQ8M:recurring_payment_skipped:8a043108a1f59',
    ],
    ['S8', 'new_case-dispute.txt', 'pp:live:RH7C366NHLF4Z:case:PP-R-HQJ-10029384:dispute'],
  ];
  for (const [sample, file, expected] of cases) {
    it(`${sample}`, () => {
      const { key, receivedKey } = acceptEvent(fixture(file));
      expect(receivedKey).toBe(expected);
      expect(key).toBe(expected);
    });
  }

  it('a later Completed for a Pending payment gets a new key', () => {
    const pending = acceptEvent(S9).key;
    const completed = acceptEvent(withFields(S9, { payment_status: 'Completed', pending_reason: null })).key;
    expect(pending).toBe('pp:live:RH7C366NHLF4Z:txn:6J41236810MN1424L:Pending');
    expect(completed).toBe('pp:live:RH7C366NHLF4Z:txn:6J41236810MN1424L:Completed');
  });

  it('a manual resend (resend=true) keeps the key', () => {
    const original = fixture('web_accept-completed.txt');
    expect(acceptEvent(withFields(original, { resend: 'true' })).key).toBe(acceptEvent(original).key);
  });

  it('without ipn_track_id, hashes the body minus its resend pair', () => {
    const original = withFields(fixture('recurring_payment_skipped.txt'), { ipn_track_id: null });
    const key = acceptEvent(original).key;
    expect(key).toMatch(/^pp:live:billing@acme-widgets\.example:body:[0-9a-f]{64}$/);
    expect(acceptEvent(withFields(original, { resend: 'true' })).key).toBe(key);
    expect(acceptEvent(withFields(original, { amount: '30.00' })).key).not.toBe(key);
  });

  it('sandbox messages are keyed apart from live ones', () => {
    expect(acceptEvent(fixture('seed-refunded.txt'), 'sandbox').key).toBe(
      'pp:sandbox:2XP27KEMUVN8A:txn:03C86087BS569332H:Refunded',
    );
  });
});

describe('postback', () => {
  const prefix = Buffer.from('cmd=_notify-validate&', 'ascii');

  it('prefixes the exact bytes of a windows-1252 body', () => {
    const request = verifier(provider('live')).postbackRequest(S9);
    expect(request.url).toBe(VERIFY_URL);
    expect(request.headers).toEqual({
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': USER_AGENT,
    });
    expect(request.body.equals(Buffer.concat([prefix, S9]))).toBe(true);
    expect(request.body.toString('latin1')).toContain('first_name=Ren%E9e&');
  });

  it('keeps literal + in dates and escaped + in emails', () => {
    const raw = body(
      'payment_date=Tue+Apr+18+2017+09%3A44%3A03+GMT+0100+%28BST%29&payer_email=m.reyes%2Bshop%40example.com&first_name=John&last_name=Smith&txn_id=980123876',
    );
    const request = verifier(provider('live')).postbackRequest(raw);
    expect(request.body.toString('latin1')).toBe(`cmd=_notify-validate&${raw.toString('latin1')}`);
    expect(request.body.equals(Buffer.concat([prefix, raw]))).toBe(true);
  });

  it.each([
    [200, 'VERIFIED', 'verified'],
    [200, 'INVALID', 'invalid'],
    [200, 'VERIFIED\n', 'verified'],
    [200, '<html> <body> Fatal Failure <br> </body> </html>', 'retry'],
    [200, '<html><body>VERIFIED</body></html>', 'retry'],
    [200, '', 'retry'],
    [500, 'VERIFIED', 'retry'],
    [302, '', 'retry'],
    [403, 'INVALID', 'retry'],
  ] as const)('status %i body %j → %s', (status, answer, verdict) => {
    expect(verifier(provider('live')).interpretPostback(status, answer)).toBe(verdict);
  });
});

describe('malformed bodies', () => {
  it.each([
    ['empty', Buffer.alloc(0)],
    ['bad escape', body('%ZZ')],
    ['binary bytes', Buffer.from([0x00, 0xff, 0x10, 0x80, 0x3d, 0x31])],
    ['10,000 fields', body('a=1&'.repeat(10_000))],
  ])('%s → malformed with 400', (_, rawBody) => {
    const decision = receive(provider('live'), rawBody);
    expect(decision.outcome).toBe('malformed');
    expect(decision.response).toEqual({ status: 400, body: '' });
  });
});

describe('environment (test_ipn)', () => {
  it('rejects a sandbox message in live mode, still answering 200', () => {
    const decision = receive(provider('live'), fixture('seed-refunded.txt'));
    expect(decision).toEqual({
      outcome: 'rejected',
      reason: 'sandbox message (test_ipn=1) received in live mode',
      idempotencyKey: 'pp:sandbox:2XP27KEMUVN8A:txn:03C86087BS569332H:Refunded',
      response: { status: 200, body: '' },
    });
  });

  it('rejects a live message in sandbox mode', () => {
    const decision = receive(provider('sandbox'), fixture('web_accept-completed.txt'));
    expect(decision.outcome).toBe('rejected');
    expect(decision.response).toEqual({ status: 200, body: '' });
  });

  it('defers a sandbox message in sandbox mode and marks it not live', () => {
    expect(receive(provider('sandbox'), fixture('seed-refunded.txt')).outcome).toBe('deferred');
    expect(eventOf(fixture('seed-refunded.txt'), 'sandbox').livemode).toBe(false);
  });

  it('treats test_ipn=0 as live', () => {
    const rawBody = withFields(fixture('web_accept-completed.txt'), { test_ipn: '0' });
    expect(receive(provider('live'), rawBody).outcome).toBe('deferred');
    expect(eventOf(rawBody).livemode).toBe(true);
  });

  it('re-checks the environment after verification', () => {
    const verified = verifier(provider('live')).afterVerified(fixture('seed-refunded.txt'));
    expect(verified).toEqual({
      outcome: 'rejected',
      reason: 'sandbox message (test_ipn=1) received in live mode',
    });
  });
});

describe('receiver check', () => {
  const afterVerified = (receiverEmails: string[], rawBody: Buffer) =>
    verifier(provider('live', receiverEmails)).afterVerified(rawBody);

  it('accepts any receiver when no list is configured', () => {
    expect(afterVerified([], fixture('web_accept-completed.txt')).outcome).toBe('accepted');
  });

  it('accepts a listed receiver_email, case-insensitively', () => {
    const verified = afterVerified(
      ['sales@example.com', 'Billing@ACME-Widgets.example'],
      fixture('web_accept-completed.txt'),
    );
    expect(verified.outcome).toBe('accepted');
  });

  it('accepts a listed receiver_id', () => {
    expect(afterVerified(['rh7c366nhlf4z'], fixture('web_accept-completed.txt')).outcome).toBe('accepted');
  });

  it('accepts by business when receiver_email differs', () => {
    const rawBody = withFields(fixture('web_accept-completed.txt'), {
      receiver_email: 'primary%40acme.example',
    });
    expect(afterVerified(['billing@acme-widgets.example'], rawBody).outcome).toBe('accepted');
  });

  it('accepts S7 (no receiver_id) by receiver_email', () => {
    expect(
      afterVerified(['billing@acme-widgets.example'], fixture('recurring_payment_skipped.txt')).outcome,
    ).toBe('accepted');
  });

  it('rejects another receiver', () => {
    expect(afterVerified(['sales@example.com'], fixture('web_accept-completed.txt'))).toEqual({
      outcome: 'rejected',
      reason: 'receiver billing@acme-widgets.example is not in PAYPAL_RECEIVER_EMAILS',
    });
  });
});

describe('dates', () => {
  it.each([
    ['09:14:27 Mar 04, 2025 PST', '2025-03-04T17:14:27.000Z'],
    ['15:47:03 Mar 11, 2025 PDT', '2025-03-11T22:47:03.000Z'],
    ['21:04:35 Dec 07, 2014 PST', '2014-12-08T05:04:35.000Z'],
    ['20:18:05 Jan. 30, 2009 PST', '2009-01-31T04:18:05.000Z'],
    ['Fri Jun 09 2017 13:20:04 GMT-0400 (EDT)', '2017-06-09T17:20:04.000Z'],
    ['Tue Apr 18 2017 09:44:03 GMT+0100 (BST)', '2017-04-18T08:44:03.000Z'],
    // The simulator's unescaped `+` decodes to a space.
    ['Fri Jun 10 2016 03:22:42 GMT 0100 (GMT Daylight Time)', '2016-06-10T02:22:42.000Z'],
    ['10:00:00 Jan 02, 2020 -0700', '2020-01-02T17:00:00.000Z'],
    ['10:00:00 Jan 02, 2020 +0100', '2020-01-02T09:00:00.000Z'],
  ])('%s → %s', (text, iso) => {
    expect(parsePayPalDate(text)?.toISOString()).toBe(iso);
  });

  it.each([
    'N/A',
    '',
    '09:14:27 Mar 04, 2025',
    '09:14:27 Mar 04, 2025 EST',
    '09:14:27 Foo 04, 2025 PST',
    '25:14:27 Mar 04, 2025 PST',
    '09:14:27 Feb 30, 2025 PST',
    '10:00:00 Jan 02, 2020 0100',
  ])('%j → null', (text) => {
    expect(parsePayPalDate(text)).toBeNull();
  });

  it('uses payment_date, case_creation_date for cases, subscr_date for subscription notices', () => {
    expect(eventOf(fixture('web_accept-completed.txt')).occurredAt?.toISOString()).toBe(
      '2025-03-04T17:14:27.000Z',
    );
    expect(eventOf(fixture('new_case-dispute.txt')).occurredAt?.toISOString()).toBe(
      '2025-03-10T18:02:51.000Z',
    );
    expect(eventOf(fixture('recurring_payment_skipped.txt')).occurredAt).toBeNull();
    const signup = body(
      'txn_type=subscr_signup&subscr_id=I-8RJ3K5WX2N7P&subscr_date=03%3A12%3A40+Apr+01%2C+2025+PDT&receiver_email=billing%40acme-widgets.example&charset=windows-1252&ipn_track_id=e0b6c96aeac27',
    );
    const event = eventOf(signup);
    expect(event.type).toBe('subscription.created');
    expect(event.occurredAt?.toISOString()).toBe('2025-04-01T10:12:40.000Z');
  });
});

describe('data mapping', () => {
  it('cart with two items', () => {
    const event = eventOf(fixture('cart-2-items-completed.txt'));
    expect(event.data).toEqual({
      transaction_id: '3J03811059PC6883U',
      parent_transaction_id: null,
      order_id: 'ORD-100482',
      subscription_id: null,
      provider_status: 'Completed',
      amount: '59.97',
      currency: 'USD',
      fee: '2.58',
      customer: {
        email: 'm.reyes+shop@example.com',
        first_name: 'Marcus',
        last_name: 'Reyes',
        country: 'US',
      },
      items: [
        { name: 'Logo T-Shirt (Black, L)', quantity: 2, amount: '44.98' },
        { name: 'Coffee Mug 11oz', quantity: 1, amount: '14.99' },
      ],
      reason: null,
      receiver: 'billing@acme-widgets.example',
    });
    expect(event.occurredAt?.toISOString()).toBe('2025-02-15T02:30:12.000Z');
    expect(event.raw.num_cart_items).toBe('2');
    expect(event.raw.custom).toBe('');
  });

  it('cart lines without num_cart_items', () => {
    const event = eventOf(fixture('seed-reversed-unauthorized-claim.txt'), 'sandbox');
    expect(event.data.items).toEqual([
      { name: 'Ground Coffee 40 oz', quantity: 1, amount: '7.50' },
      { name: 'Granola bars', quantity: 5, amount: '10.00' },
    ]);
    expect(event.data.reason).toBe('unauthorized_claim');
  });

  it('refund: negative amounts and the parent transaction', () => {
    const event = eventOf(fixture('refunded-of-web_accept.txt'));
    expect(event.data).toMatchObject({
      transaction_id: '8C89629779AH3844B',
      parent_transaction_id: '4F74627603JA3770W',
      order_id: null,
      provider_status: 'Refunded',
      amount: '-25.00',
      currency: 'USD',
      fee: '-0.87',
      reason: 'refund',
      customer: {
        email: 'dana.whitfield@example.net',
        first_name: 'Dana',
        last_name: 'Whitfield',
        country: 'US',
      },
    });
    expect(event.data.items).toEqual([{ name: 'Annual Plan (Pro)', quantity: null, amount: '-25.00' }]);
    expect(event.occurredAt?.toISOString()).toBe('2025-03-11T22:47:03.000Z');
  });

  it('single item web_accept', () => {
    expect(eventOf(fixture('web_accept-completed.txt')).data.items).toEqual([
      { name: 'Annual Plan (Pro)', quantity: 1, amount: '25.00' },
    ]);
  });

  it('recurring profile: amount/currency_code, txn_type as status, recurring_payment_id', () => {
    const data = eventOf(fixture('recurring_payment_skipped.txt')).data;
    expect(data).toMatchObject({
      transaction_id: null,
      subscription_id: 'I-W4T9D2L6KQ8M',
      provider_status: 'recurring_payment_skipped',
      amount: '29.00',
      currency: 'USD',
      fee: null,
      items: [],
    });
  });

  it('subscription payment uses subscr_id; empty fields become null', () => {
    const rawBody = withFields(fixture('subscr_payment-completed-gbp.txt'), { invoice: '', last_name: '' });
    const data = eventOf(rawBody).data;
    expect(data.subscription_id).toBe('I-8RJ3K5WX2N7P');
    expect(data.currency).toBe('GBP');
    expect(data.order_id).toBeNull();
    expect(data.customer.last_name).toBeNull();
  });

  it('raw holds every decoded field', () => {
    const rawBody = fixture('web_accept-completed.txt');
    const event = eventOf(rawBody);
    expect(Object.keys(event.raw)).toHaveLength(rawBody.toString('latin1').split('&').length);
    expect(event.raw.item_name).toBe('Annual Plan (Pro)');
    expect(event.raw.transaction_subject).toBe('');
  });
});

describe('event type mapping', () => {
  const typeOf = (changes: Record<string, string | null>) =>
    eventOf(withFields(fixture('web_accept-completed.txt'), changes)).type;

  it.each([
    [{ payment_status: 'Denied' }, 'payment.denied'],
    [{ payment_status: 'Failed' }, 'payment.failed'],
    [{ payment_status: 'Expired' }, 'payment.failed'],
    [{ payment_status: 'Voided' }, 'payment.failed'],
    [{ payment_status: 'Created' }, 'payment.pending'],
    [{ payment_status: 'Refunded' }, 'payment.refunded'],
    [{ txn_type: null, payment_status: 'Completed' }, 'payment.completed'],
    [{ txn_type: 'subscr_payment', payment_status: 'Denied' }, 'subscription.payment_failed'],
    [{ txn_type: 'recurring_payment', payment_status: 'Failed' }, 'subscription.payment_failed'],
    [{ txn_type: 'subscr_payment', payment_status: 'Pending' }, 'payment.pending'],
    [{ txn_type: 'subscr_failed', payment_status: null }, 'subscription.payment_failed'],
    [{ txn_type: 'subscr_cancel', payment_status: null }, 'subscription.cancelled'],
    [{ txn_type: 'recurring_payment_expired', payment_status: null }, 'subscription.expired'],
    [{ txn_type: 'subscr_modify', payment_status: null }, 'subscription.modified'],
    [{ txn_type: 'adjustment' }, 'notification.unclassified'],
    [{ txn_type: 'mp_signup', payment_status: null }, 'notification.unclassified'],
    [{ txn_type: 'masspay' }, 'notification.unclassified'],
    [{ txn_type: 'something_new' }, 'notification.unclassified'],
    [{ txn_type: null, payment_status: null, case_type: 'chargeback' }, 'dispute.opened'],
  ] as Array<[Record<string, string | null>, EventType]>)('%j → %s', (changes, type) => {
    expect(typeOf(changes)).toBe(type);
  });
});
