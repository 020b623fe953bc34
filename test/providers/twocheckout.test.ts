import { createHash, createHmac, createSecretKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { twocheckoutPlugin } from '../../providers/2checkout/index';
import { buildReceipt, receiptDate } from '../../providers/2checkout/receipt';
import { signatureSource } from '../../providers/2checkout/signature';
import { groupFields, parseUtf8Form } from '../../providers/form';
import type { InboundDecision, MessageKind, ProviderAccount } from '../../providers/types';
import { FIXTURES_DIR } from '../support/fixtures';
import { configureFromEnv, inbound } from '../support/plugins';

const SECRET = 'AABBCCDDEEFF';
const FIXTURES = path.join(FIXTURES_DIR, '2checkout');
const VECTOR_NOW = new Date('2026-11-21T12:00:00Z');
const VECTOR_DATE = '20261121120000';

type Algorithm = 'md5' | 'sha256' | 'sha3-256';
const SIGNATURE_FIELDS: Record<string, Algorithm> = {
  HASH: 'md5',
  SIGNATURE_SHA2_256: 'sha256',
  SIGNATURE_SHA3_256: 'sha3-256',
};

const providers = new Map<string, ProviderAccount>();
function provider(secretKey = SECRET): ProviderAccount {
  let configured = providers.get(secretKey);
  if (!configured) {
    configured = configureFromEnv(twocheckoutPlugin, { TWOCHECKOUT_SECRET_KEY: secretKey });
    providers.set(secretKey, configured);
  }
  return configured;
}

function receive(kind: MessageKind, body: string | Buffer, options: { key?: string; now?: Date } = {}) {
  const rawBody = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  return provider(options.key).receive(
    inbound(kind, rawBody, {
      contentType: 'application/x-www-form-urlencoded',
      now: options.now ?? VECTOR_NOW,
    }),
  );
}

function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'latin1').trim();
}

function accepted(decision: InboundDecision) {
  if (decision.outcome !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(decision)}`);
  return decision;
}

function rejected(decision: InboundDecision) {
  if (decision.outcome !== 'rejected') throw new Error(`expected rejected, got ${JSON.stringify(decision)}`);
  return decision;
}

// --- an independent implementation of the wire rules, for re-signing and recomputing ---------

type Pair = [string, string];
const decodePart = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));

function pairs(body: string): Pair[] {
  return body.split('&').map((part) => {
    const equals = part.indexOf('=');
    return equals < 0
      ? [decodePart(part), '']
      : [decodePart(part.slice(0, equals)), decodePart(part.slice(equals + 1))];
  });
}

function encode(list: Pair[]): string {
  const params = new URLSearchParams();
  for (const [name, value] of list) params.append(name, value);
  return params.toString();
}

function grouped(list: Pair[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, value] of list) {
    if (name.endsWith('[]')) {
      const key = name.slice(0, -2);
      out.set(key, [...(out.get(key) ?? []), value]);
    } else {
      out.set(name, [value]);
    }
  }
  return out;
}

const lp = (value: string) => `${Buffer.byteLength(value, 'utf8')}${value}`;
const hmac = (algorithm: Algorithm, data: string, key = SECRET) =>
  createHmac(algorithm, key).update(data, 'utf8').digest('hex');

function testSource(list: Pair[], skip: string[] = []): string {
  let source = '';
  for (const [name, values] of grouped(list)) {
    if (name in SIGNATURE_FIELDS || skip.includes(name)) continue;
    source += values.map(lp).join('');
  }
  return source;
}

function first(list: Pair[], name: string): string {
  return grouped(list).get(name)?.[0] ?? '';
}

/** Applies `changes` (by wire name) and signs again with the requested algorithms. */
function resign(
  body: string,
  changes: Record<string, string>,
  algorithms: string[] = Object.keys(SIGNATURE_FIELDS),
) {
  const list = pairs(body)
    .filter(([name]) => !(name in SIGNATURE_FIELDS))
    .map(([name, value]): Pair => [name, changes[name] ?? value]);
  const source = testSource(list);
  const signatures = algorithms.map(
    (field): Pair => [field, hmac(SIGNATURE_FIELDS[field] as Algorithm, source)],
  );
  return encode([...list, ...signatures]);
}

/** Replaces or removes signature fields without re-signing. */
function withSignatures(body: string, signatures: Record<string, string | null>): string {
  const kept = pairs(body).filter(([name]) => !(name in signatures));
  const added = Object.entries(signatures).filter((entry): entry is Pair => entry[1] !== null);
  return encode([...kept, ...added]);
}

function expectedReceipt(kind: MessageKind, body: string, algorithm: Algorithm, date: string): string {
  const list = pairs(body);
  const values =
    kind === 'ipn'
      ? [first(list, 'IPN_PID'), first(list, 'IPN_PNAME'), first(list, 'IPN_DATE'), date]
      : [first(list, 'LICENSE_CODE'), first(list, 'EXPIRATION_DATE'), date];
  const digest = hmac(algorithm, values.map(lp).join(''));
  return algorithm === 'md5'
    ? `<EPAYMENT>${date}|${digest}</EPAYMENT>`
    : `<sig algo="${algorithm}" date="${date}">${digest}</sig>`;
}

function expectNoReceipt(decision: InboundDecision) {
  expect(decision.response.status).toBe(400);
  expect(decision.response.contentType).toBe('text/plain; charset=utf-8');
  expect(decision.response.body).not.toMatch(/EPAYMENT|<sig/);
  expect(decision.response.body.length).toBeGreaterThan(0);
}

// --- docs/protocols/2checkout-ipn-lcn.md section 7 ------------------------------------------

const IPN_71_BODY =
  'GIFT_ORDER=0&SALEDATE=2026-11-21+11%3A57%3A40&PAYMENTDATE=2026-11-21+11%3A58%3A03&REFNO=245871236&REFNOEXT=ORD-10042&SHOPPER_REFERENCE_NUMBER=&ORDERNO=10042&ORDERSTATUS=COMPLETE&PAYMETHOD=Visa%2FMasterCard&PAYMETHOD_CODE=CCVISAMC&FIRSTNAME=H%C3%A9l%C3%A8ne&LASTNAME=Dupont&COMPANY=&ADDRESS1=12+Rue+de+la+R%C3%A9publique&ADDRESS2=&CITY=Lyon&STATE=&ZIPCODE=69002&COUNTRY=France&COUNTRY_CODE=fr&PHONE=%2B33+4+72+00+00+00&CUSTOMEREMAIL=helene.dupont%40example.com&IPADDRESS=203.0.113.7&IPCOUNTRY=France&COMPLETE_DATE=2026-11-21+11%3A58%3A05&TIMEZONE_OFFSET=GMT%2B02%3A00&CURRENCY=EUR&LANGUAGE=fr&ORDERFLOW=REGULAR&IPN_PID%5B%5D=4589231&IPN_PID%5B%5D=4589240&IPN_PNAME%5B%5D=Caf%C3%A9+Pro+Licence&IPN_PNAME%5B%5D=Priority+Support+%281+year%29&IPN_PCODE%5B%5D=CAFE-PRO&IPN_PCODE%5B%5D=SUPPORT-1Y&IPN_EXTERNAL_REFERENCE%5B%5D=&IPN_EXTERNAL_REFERENCE%5B%5D=&IPN_INFO%5B%5D=&IPN_INFO%5B%5D=&IPN_QTY%5B%5D=1&IPN_QTY%5B%5D=2&IPN_PRICE%5B%5D=49.00&IPN_PRICE%5B%5D=10.00&IPN_VAT%5B%5D=9.80&IPN_VAT%5B%5D=4.00&IPN_VAT_RATE%5B%5D=20.0000&IPN_VAT_RATE%5B%5D=20.0000&IPN_VER%5B%5D=2&IPN_VER%5B%5D=1&IPN_DISCOUNT%5B%5D=0.00&IPN_DISCOUNT%5B%5D=0.00&MESSAGE_ID=254777000123&MESSAGE_TYPE=COMPLETE&IPN_LICENSE_PROD%5B%5D=4589231&IPN_LICENSE_PROD%5B%5D=4589240&IPN_LICENSE_TYPE%5B%5D=REGULAR&IPN_LICENSE_TYPE%5B%5D=REGULAR&IPN_LICENSE_REF%5B%5D=A1B2C3D4E5&IPN_LICENSE_REF%5B%5D=F6G7H8J9K0&IPN_LICENSE_EXP%5B%5D=2027-11-21+11%3A58%3A03&IPN_LICENSE_EXP%5B%5D=2027-11-21+11%3A58%3A03&IPN_TOTAL%5B%5D=58.80&IPN_TOTAL%5B%5D=24.00&IPN_TOTALGENERAL=82.80&IPN_SHIPPING=0.00&AVANGATE_CUSTOMER_REFERENCE=812345678&EXTERNAL_CUSTOMER_REFERENCE=CUST-7781&TEST_ORDER=0&FRAUD_STATUS=APPROVED&IPN_DATE=20261121115804&HASH=16fbec0a0a12e6f863d19f74b8b4decf&SIGNATURE_SHA2_256=8f9b291c587a88c786ef4e4b027ddb450cf23fdd6e975968e656e13ab84a8228&SIGNATURE_SHA3_256=3f67e17abdeed332a12e28534b621e28b47fcef041179480506898a652c4af68';
const IPN_71_SOURCE =
  '10192026-11-21 11:57:40192026-11-21 11:58:0392458712369ORD-1004205100428COMPLETE15Visa/MasterCard8CCVISAMC8Hélène6Dupont02412 Rue de la République04Lyon05690026France2fr17+33 4 72 00 00 0025helene.dupont@example.com11203.0.113.76France192026-11-21 11:58:059GMT+02:003EUR2fr7REGULAR745892317458924017Café Pro Licence25Priority Support (1 year)8CAFE-PRO10SUPPORT-1Y00001112549.00510.0049.8044.00720.0000720.0000121140.0040.00122547770001238COMPLETE74589231745892407REGULAR7REGULAR10A1B2C3D4E510F6G7H8J9K0192027-11-21 11:58:03192027-11-21 11:58:03558.80524.00582.8040.0098123456789CUST-7781108APPROVED1420261121115804';
const IPN_71_SIGNATURES = {
  HASH: '16fbec0a0a12e6f863d19f74b8b4decf',
  SIGNATURE_SHA2_256: '8f9b291c587a88c786ef4e4b027ddb450cf23fdd6e975968e656e13ab84a8228',
  SIGNATURE_SHA3_256: '3f67e17abdeed332a12e28534b621e28b47fcef041179480506898a652c4af68',
};
const IPN_71_RECEIPTS = {
  HASH: '<EPAYMENT>20261121120000|1dd7d8b9bf87b7fbd0b94c1705aaa4f0</EPAYMENT>',
  SIGNATURE_SHA2_256:
    '<sig algo="sha256" date="20261121120000">4965578c56ebdf29adbdc42f3b0b7b0f5da2b2262bbcffd41152c36b466d7168</sig>',
  SIGNATURE_SHA3_256:
    '<sig algo="sha3-256" date="20261121120000">4b5ea8cda85e19e032e2ae929d9a5bf3ca23e7516a9ff8c658a6e5a59c8acf90</sig>',
};

const LCN_72_BODY =
  'FIRST_NAME=H%C3%A9l%C3%A8ne&LAST_NAME=Dupont&COMPANY=&EMAIL=helene.dupont%40example.com&PHONE=%2B33+4+72+00+00+00&FAX=&COUNTRY=France&STATE=&CITY=Lyon&ZIP=69002&ADDRESS=12+Rue+de+la+R%C3%A9publique&LICENSE_CODE=A1B2C3D4E5&EXPIRATION_DATE=2027-11-21+11%3A58%3A03&DATE_UPDATED=2026-11-21+12%3A30%3A00&AVANGATE_CUSTOMER_REFERENCE=812345678&EXTERNAL_CUSTOMER_REFERENCE=CUST-7781&TEST=0&CHANGED_BY=CUSTOMER&LICENSE_TYPE=REGULAR&STATUS=ACTIVE&HASH=93a6286a54658cf3dd442ea28fe0655c&SIGNATURE_SHA2_256=2d0603f906aa5ef75efc121c41808ba1da072ab57bcecc556cba21c5379e84bd&SIGNATURE_SHA3_256=e17757433eed0ab57f50e912cdd6b9c3eb645f324f5b622dd5c4d25be54a8878';
const LCN_72_SOURCE =
  '8Hélène6Dupont025helene.dupont@example.com17+33 4 72 00 00 0006France04Lyon5690022412 Rue de la République10A1B2C3D4E5192027-11-21 11:58:03192026-11-21 12:30:0098123456789CUST-7781108CUSTOMER7REGULAR6ACTIVE';
const LCN_72_SIGNATURES = {
  HASH: '93a6286a54658cf3dd442ea28fe0655c',
  SIGNATURE_SHA2_256: '2d0603f906aa5ef75efc121c41808ba1da072ab57bcecc556cba21c5379e84bd',
  SIGNATURE_SHA3_256: 'e17757433eed0ab57f50e912cdd6b9c3eb645f324f5b622dd5c4d25be54a8878',
};
const LCN_72_RECEIPTS = {
  HASH: '<EPAYMENT>20261121120000|bf94d50027aa78b5b83968091b942d86</EPAYMENT>',
  SIGNATURE_SHA2_256:
    '<sig algo="sha256" date="20261121120000">9a39f4262387e329529258e23026cf09b67854a5873a6443d389591be92fb195</sig>',
  SIGNATURE_SHA3_256:
    '<sig algo="sha3-256" date="20261121120000">0b5ed862889ee8c476eba3998366b308636010130d959759fdafda92f5d3d2b4</sig>',
};

function pluginSource(body: string): string {
  const parsed = parseUtf8Form(Buffer.from(body, 'latin1'));
  if (!parsed.ok) throw new Error(parsed.reason);
  return signatureSource(groupFields(parsed.fields));
}

/** Keeps only `field` of the three signatures. */
function onlySignature(body: string, field: string, value: string): string {
  const none = Object.fromEntries(Object.keys(SIGNATURE_FIELDS).map((name) => [name, null]));
  return withSignatures(body, { ...none, [field]: value });
}

describe('2checkout plugin', () => {
  it('is configured only with a non-empty secret key and declares both endpoints', () => {
    const { settings } = twocheckoutPlugin;
    expect(twocheckoutPlugin.id).toBe('2checkout');
    expect(settings.enabledBy).toBe('TWOCHECKOUT_SECRET_KEY');
    expect(settings.defaultAccount(settings.env.parse({}))).toBeNull();
    expect(settings.defaultAccount(settings.env.parse({ TWOCHECKOUT_SECRET_KEY: '' }))).toBeNull();
    expect(settings.defaultAccount(settings.env.parse({ TWOCHECKOUT_SECRET_KEY: SECRET }))).not.toBeNull();
    expect(settings.account.safeParse({}).success).toBe(false);
    expect(twocheckoutPlugin.endpoints).toEqual([
      { kind: 'ipn', path: '/ipn/2checkout', answersGet: true },
      { kind: 'lcn', path: '/lcn/2checkout', answersGet: true },
    ]);
    expect(provider().verifier).toBeUndefined();
  });
});

describe('2checkout fixtures', () => {
  const cases: Array<{ file: string; kind: MessageKind; algorithm: Algorithm; type: string }> = [
    {
      file: 'ipn-complete-all-signatures.txt',
      kind: 'ipn',
      algorithm: 'sha3-256',
      type: 'payment.completed',
    },
    { file: 'ipn-complete-md5-only.txt', kind: 'ipn', algorithm: 'md5', type: 'payment.completed' },
    { file: 'ipn-complete-sha256-only.txt', kind: 'ipn', algorithm: 'sha256', type: 'payment.completed' },
    { file: 'ipn-pending.txt', kind: 'ipn', algorithm: 'sha3-256', type: 'payment.pending' },
    { file: 'ipn-refund.txt', kind: 'ipn', algorithm: 'sha3-256', type: 'payment.refunded' },
    { file: 'lcn-active.txt', kind: 'lcn', algorithm: 'sha3-256', type: 'license.changed' },
  ];

  it.each(cases)(
    '$file is accepted as $type with a $algorithm receipt',
    ({ file, kind, algorithm, type }) => {
      const body = fixture(file);
      const decision = accepted(receive(kind, body));
      expect(decision.event.type).toBe(type);
      expect(decision.response.status).toBe(200);
      expect(decision.response.contentType).toBe('text/html; charset=utf-8');
      expect(decision.response.body).toBe(expectedReceipt(kind, body, algorithm, VECTOR_DATE));
      expect(decision.idempotencyKey).toMatch(new RegExp(`^2co:${kind}:[0-9a-f]{64}$`));
    },
  );

  it('rejects the tampered fixture with 400 and no receipt', () => {
    const decision = rejected(receive('ipn', fixture('ipn-tampered.txt')));
    expect(decision.reason).toBe('SIGNATURE_SHA3_256 does not match');
    expect(decision.idempotencyKey).toMatch(/^2co:ipn:[0-9a-f]{64}$/);
    expectNoReceipt(decision);
  });

  it.each([...cases.map((entry) => entry.file), 'ipn-tampered.txt'])(
    'rejects %s under another key',
    (file) => {
      const kind: MessageKind = file.startsWith('lcn') ? 'lcn' : 'ipn';
      const decision = rejected(receive(kind, fixture(file), { key: 'AABBCCDDEEFG' }));
      expect(decision.reason).toMatch(/^(HASH|SIGNATURE_SHA2_256|SIGNATURE_SHA3_256) does not match$/);
      expectNoReceipt(decision);
    },
  );

  it('normalizes the all-signatures IPN', () => {
    const { event } = accepted(receive('ipn', fixture('ipn-complete-all-signatures.txt')));
    expect(event.livemode).toBe(true);
    expect(event.occurredAt).toBeNull();
    expect(event.data).toEqual({
      transaction_id: '245871236',
      parent_transaction_id: null,
      order_id: 'ORD-10042',
      subscription_id: 'A1B2C3D4E5',
      provider_status: 'COMPLETE',
      amount: '82.80',
      currency: 'EUR',
      fee: null,
      customer: {
        email: 'helene.dupont@example.com',
        first_name: 'Hélène',
        last_name: 'Dupont',
        country: 'FR',
      },
      items: [
        { name: 'Café Pro Licence', quantity: 1, amount: '49.00' },
        { name: 'Priority Support (1 year)', quantity: 2, amount: '10.00' },
      ],
      reason: null,
      receiver: null,
    });
    expect(event.raw.IPN_PID).toEqual(['4589231', '4589240']);
    expect(event.raw.IPN_PNAME).toEqual(['Café Pro Licence', 'Priority Support (1 year)']);
    expect(event.raw.TIMEZONE_OFFSET).toBe('GMT+02:00');
    expect(event.raw.COMPANY).toBe('');
    expect(Object.keys(event.raw)).not.toContain('IPN_PID[]');
  });

  it('keeps refund amounts as the negative strings sent', () => {
    const { event } = accepted(receive('ipn', fixture('ipn-refund.txt')));
    expect(event.data.amount).toBe('-82.80');
    expect(event.data.provider_status).toBe('REFUND');
    expect(event.raw.IPN_TOTAL).toEqual(['-58.80', '-24.00']);
  });

  it('normalizes the LCN', () => {
    const { event } = accepted(receive('lcn', fixture('lcn-active.txt')));
    expect(event.livemode).toBe(true);
    expect(event.occurredAt).toBeNull();
    expect(event.data).toEqual({
      transaction_id: null,
      parent_transaction_id: null,
      order_id: null,
      subscription_id: 'A1B2C3D4E5',
      provider_status: 'ACTIVE',
      amount: null,
      currency: null,
      fee: null,
      customer: {
        email: 'helene.dupont@example.com',
        first_name: 'Hélène',
        last_name: 'Dupont',
        country: null,
      },
      items: [],
      reason: null,
      receiver: null,
    });
    expect(event.raw.LICENSE_CODE).toBe('A1B2C3D4E5');
  });
});

describe('2checkout protocol vectors (doc section 7)', () => {
  it('IPN 7.1: the source string and the three signatures', () => {
    const source = pluginSource(IPN_71_BODY);
    expect(source).toBe(IPN_71_SOURCE);
    expect(Buffer.byteLength(source, 'utf8')).toBe(618);
    for (const [field, algorithm] of Object.entries(SIGNATURE_FIELDS)) {
      expect(hmac(algorithm, source)).toBe(IPN_71_SIGNATURES[field as keyof typeof IPN_71_SIGNATURES]);
    }
  });

  it.each(Object.keys(IPN_71_RECEIPTS))(
    'IPN 7.1 signed with %s only gives the documented receipt',
    (field) => {
      const name = field as keyof typeof IPN_71_RECEIPTS;
      const decision = accepted(receive('ipn', onlySignature(IPN_71_BODY, name, IPN_71_SIGNATURES[name])));
      expect(decision.response.body).toBe(IPN_71_RECEIPTS[name]);
    },
  );

  it('IPN 7.1 with all three signatures answers with the SHA3 receipt', () => {
    expect(accepted(receive('ipn', IPN_71_BODY)).response.body).toBe(IPN_71_RECEIPTS.SIGNATURE_SHA3_256);
  });

  it('LCN 7.2: the source string and the three signatures', () => {
    const source = pluginSource(LCN_72_BODY);
    expect(source).toBe(LCN_72_SOURCE);
    for (const [field, algorithm] of Object.entries(SIGNATURE_FIELDS)) {
      expect(hmac(algorithm, source)).toBe(LCN_72_SIGNATURES[field as keyof typeof LCN_72_SIGNATURES]);
    }
  });

  it.each(Object.keys(LCN_72_RECEIPTS))(
    'LCN 7.2 signed with %s only gives the documented receipt',
    (field) => {
      const name = field as keyof typeof LCN_72_RECEIPTS;
      const decision = accepted(receive('lcn', onlySignature(LCN_72_BODY, name, LCN_72_SIGNATURES[name])));
      expect(decision.response.body).toBe(LCN_72_RECEIPTS[name]);
    },
  );

  it('reproduces the documented receipt examples (doc 3.2 and 4)', () => {
    const key = createSecretKey(Buffer.from(SECRET));
    expect(buildReceipt('md5', key, ['1', 'Software program', '20050303123434'], '20050303123434')).toBe(
      '<EPAYMENT>20050303123434|7bf97ed39681027d0c45aa45e3ea98f0</EPAYMENT>',
    );
    expect(buildReceipt('md5', key, ['3C343D0FAF', '2005-03-03'], '20081117145935')).toBe(
      '<EPAYMENT>20081117145935|cb34fe2991668eb82364edf62f845a34</EPAYMENT>',
    );
  });

  it('does not validate an MD5 built on character lengths', () => {
    const list = pairs(IPN_71_BODY).filter(([name]) => !(name in SIGNATURE_FIELDS));
    let charSource = '';
    for (const [, values] of grouped(list))
      charSource += values.map((value) => `${value.length}${value}`).join('');
    expect(hmac('md5', charSource)).toBe('d6caa0a2f67835f7eb0da30c8ead215d');

    const decision = rejected(
      receive('ipn', onlySignature(IPN_71_BODY, 'HASH', 'd6caa0a2f67835f7eb0da30c8ead215d')),
    );
    expect(decision.reason).toBe('HASH does not match');
    expectNoReceipt(decision);
  });
});

describe('2checkout signature choice', () => {
  const body = fixture('ipn-complete-all-signatures.txt');
  const md5 = pairs(body).find(([name]) => name === 'HASH')?.[1] ?? '';

  it('rejects a wrong SHA3 even when the MD5 is right', () => {
    const forged = withSignatures(body, { SIGNATURE_SHA3_256: 'ab'.repeat(32) });
    const decision = rejected(receive('ipn', forged));
    expect(decision.reason).toBe('SIGNATURE_SHA3_256 does not match');
    expectNoReceipt(decision);
  });

  it('rejects a wrong SHA2 (no SHA3) even when the MD5 is right', () => {
    const forged = withSignatures(body, { SIGNATURE_SHA3_256: null, SIGNATURE_SHA2_256: 'cd'.repeat(32) });
    expect(rejected(receive('ipn', forged)).reason).toBe('SIGNATURE_SHA2_256 does not match');
  });

  it('rejects an empty SHA3 field instead of falling back to the MD5', () => {
    const forged = withSignatures(body, { SIGNATURE_SHA3_256: '' });
    expect(md5).toMatch(/^[0-9a-f]{32}$/);
    expect(rejected(receive('ipn', forged)).reason).toBe('SIGNATURE_SHA3_256 does not match');
  });

  it('rejects a signature that is a prefix of the right one', () => {
    const truncated = onlySignature(body, 'HASH', md5.slice(0, 31));
    expect(rejected(receive('ipn', truncated)).reason).toBe('HASH does not match');
  });

  it('accepts upper-case hex', () => {
    const upper = onlySignature(body, 'HASH', md5.toUpperCase());
    expect(accepted(receive('ipn', upper)).response.body).toBe(
      expectedReceipt('ipn', body, 'md5', VECTOR_DATE),
    );
    const sha3 = pairs(body).find(([name]) => name === 'SIGNATURE_SHA3_256')?.[1] ?? '';
    const upperSha3 = withSignatures(body, { SIGNATURE_SHA3_256: sha3.toUpperCase() });
    expect(accepted(receive('ipn', upperSha3)).response.body).toBe(
      expectedReceipt('ipn', body, 'sha3-256', VECTOR_DATE),
    );
  });

  it('rejects an unsigned body, keeping its idempotency key', () => {
    const unsigned = withSignatures(body, { HASH: null, SIGNATURE_SHA2_256: null, SIGNATURE_SHA3_256: null });
    const decision = rejected(receive('ipn', unsigned));
    expect(decision.reason).toBe('missing signature (HASH, SIGNATURE_SHA2_256 or SIGNATURE_SHA3_256)');
    expect(decision.idempotencyKey).toBe(accepted(receive('ipn', body)).idempotencyKey);
    expectNoReceipt(decision);
  });
});

describe('2checkout idempotency keys', () => {
  const body = fixture('ipn-complete-all-signatures.txt');
  const original = () => accepted(receive('ipn', body));

  it('is the sha256 of the source without IPN_DATE for an IPN', () => {
    const digest = createHash('sha256')
      .update(testSource(pairs(body), ['IPN_DATE']))
      .digest('hex');
    expect(original().idempotencyKey).toBe(`2co:ipn:${digest}`);
  });

  it('is the same for a retry that differs only in IPN_DATE', () => {
    const retry = accepted(receive('ipn', resign(body, { IPN_DATE: '20261121120512' })));
    expect(retry.idempotencyKey).toBe(original().idempotencyKey);
    // The receipt echoes the retry's own IPN_DATE.
    expect(retry.response.body).not.toBe(original().response.body);
  });

  it('differs for another REFNO or another amount', () => {
    const otherOrder = accepted(receive('ipn', resign(body, { REFNO: '245871237' })));
    const otherAmount = accepted(receive('ipn', resign(body, { IPN_TOTALGENERAL: '-10.00' })));
    expect(otherOrder.idempotencyKey).not.toBe(original().idempotencyKey);
    expect(otherAmount.idempotencyKey).not.toBe(original().idempotencyKey);
    expect(otherAmount.idempotencyKey).not.toBe(otherOrder.idempotencyKey);
  });

  it('is the sha256 of the full source for an LCN', () => {
    const lcn = fixture('lcn-active.txt');
    const digest = createHash('sha256')
      .update(testSource(pairs(lcn)))
      .digest('hex');
    expect(accepted(receive('lcn', lcn)).idempotencyKey).toBe(`2co:lcn:${digest}`);
  });
});

describe('2checkout receipt DATE', () => {
  it('is 14 digits in UTC, zero-padded before 10:00', () => {
    expect(receiptDate(new Date('2026-01-02T03:04:05Z'))).toBe('20260102030405');
    expect(receiptDate(new Date('2026-11-21T12:00:00Z'))).toBe(VECTOR_DATE);
  });

  it('is used in the response receipt', () => {
    const body = fixture('ipn-complete-md5-only.txt');
    const decision = accepted(receive('ipn', body, { now: new Date('2026-03-04T09:08:07.999Z') }));
    expect(decision.response.body).toBe(expectedReceipt('ipn', body, 'md5', '20260304090807'));
  });
});

describe('2checkout event types and livemode', () => {
  const body = fixture('ipn-complete-all-signatures.txt');
  it.each([
    ['PENDING', 'payment.pending'],
    ['PURCHASE_PENDING', 'payment.pending'],
    ['PENDING_APPROVAL', 'payment.pending'],
    ['PENDING_ORDER_APPROVAL', 'payment.pending'],
    ['PAYMENT_AUTHORIZED', 'payment.authorized'],
    ['PAYMENT_RECEIVED', 'payment.authorized'],
    ['COMPLETE', 'payment.completed'],
    ['CANCELED', 'payment.canceled'],
    ['REFUND', 'payment.refunded'],
    ['REVERSED', 'payment.reversed'],
    ['SUSPECT', 'notification.unclassified'],
    ['toString', 'notification.unclassified'],
  ])('ORDERSTATUS %s → %s', (status, type) => {
    expect(accepted(receive('ipn', resign(body, { ORDERSTATUS: status }))).event.type).toBe(type);
  });

  it('marks test orders and test licences as not live', () => {
    expect(accepted(receive('ipn', resign(body, { TEST_ORDER: '1' }))).event.livemode).toBe(false);
    const lcn = fixture('lcn-active.txt');
    expect(accepted(receive('lcn', resign(lcn, { TEST: '1' }))).event.livemode).toBe(false);
  });

  it('turns empty values into null', () => {
    const { event } = accepted(receive('ipn', resign(body, { REFNOEXT: '', COUNTRY_CODE: '' })));
    expect(event.data.order_id).toBeNull();
    expect(event.data.customer.country).toBeNull();
  });
});

describe('2checkout malformed bodies', () => {
  const junk = Buffer.from([0x00, 0xff, 0x13, 0x80, 0x41, 0x3d, 0x0a]);
  const manyFields = Array.from({ length: 10_000 }, (_, i) => `F${i}=x`).join('&');
  it.each([
    ['empty', Buffer.alloc(0)],
    ['a bad percent-escape', Buffer.from('REFNO=1&HASH=%zz')],
    ['binary junk', junk],
    ['10,000 fields', Buffer.from(manyFields)],
  ])('%s → malformed 400 without receipt', (_label, body) => {
    const decision = receive('ipn', body);
    expect(decision.outcome).toBe('malformed');
    if (decision.outcome === 'malformed') expect(decision.reason.length).toBeGreaterThan(0);
    expectNoReceipt(decision);
  });
});
