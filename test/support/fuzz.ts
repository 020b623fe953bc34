// A seeded generator of hostile provider requests: valid simulator bodies, then mutated (byte
// flips, truncations, bad escapes, NUL bytes, huge field counts, duplicated signature fields,
// wrong content types, oversized and random bodies). Same seed, same requests.

import {
  buildTwocheckoutMessage,
  TWOCHECKOUT_EVENT_TYPES,
} from '../../providers/2checkout/simulator/twocheckout-message';
import { buildPaypalMessage } from '../../providers/paypal/simulator/paypal-message';
import { PAYPAL_TEMPLATES } from '../../providers/paypal/simulator/paypal-templates';
import { buildWebhookBody, WEBHOOK_EVENT_TYPES } from '../../providers/paypal/simulator/webhook-message';
import { TWOCHECKOUT_TEST_KEY } from './gateway';

/** mulberry32: small, fast, good enough to drive a fuzzer reproducibly. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export class Dice {
  constructor(readonly random: () => number) {}
  int(below: number): number {
    return Math.floor(this.random() * below);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  chance(probability: number): boolean {
    return this.random() < probability;
  }
  string(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }
  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = this.int(256);
    return out;
  }
}

const FIXED_NOW = new Date('2026-11-21T12:00:00Z');
const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Valid bodies per `provider:kind` (or provider), built by the simulators with ids drawn from the dice. */
export function seedCorpus(dice: Dice): Record<string, Buffer[]> {
  const paypal = PAYPAL_TEMPLATES.map(
    (template, sequence) =>
      buildPaypalMessage({
        template,
        ids: {
          txnId: dice.string(ALNUM, 17),
          parentTxnId: dice.string(ALNUM, 17),
          payerId: dice.string(ALNUM, 13),
          ipnTrackId: dice.string('0123456789abcdef', 13),
          profileId: `I-${dice.string(ALNUM, 12)}`,
          caseId: `PP-R-ABC-${dice.string('0123456789', 8)}`,
          invoice: `ORD-${dice.string('0123456789', 6)}`,
        },
        now: FIXED_NOW,
        key: 'fuzz',
        sequence,
        charset: dice.pick(['windows-1252', 'UTF-8']),
      }).body,
  );
  const twocheckout = TWOCHECKOUT_EVENT_TYPES.map(
    (type, sequence) =>
      buildTwocheckoutMessage({
        type,
        ids: {
          refno: `1${dice.string('0123456789', 8)}`,
          orderNo: `2${dice.string('0123456789', 4)}`,
          messageId: `3${dice.string('0123456789', 11)}`,
          licenseCodes: [dice.string(ALNUM, 10), dice.string(ALNUM, 10)],
          customerReference: `4${dice.string('0123456789', 8)}`,
        },
        now: FIXED_NOW,
        secretKey: TWOCHECKOUT_TEST_KEY,
        algorithms: dice.pick([['md5'], ['sha256'], ['sha3-256'], ['md5', 'sha256', 'sha3-256']] as const),
        sequence,
      }).body,
  );
  const webhooks = WEBHOOK_EVENT_TYPES.map(
    (type) =>
      buildWebhookBody({
        type,
        ids: {
          webhookId: `WH-${dice.string(ALNUM, 17)}-${dice.string(ALNUM, 17)}`,
          resourceId: dice.string(ALNUM, 17),
          captureId: dice.string(ALNUM, 17),
          subscriptionId: `I-${dice.string(ALNUM, 12)}`,
          invoiceId: `INV-${dice.string(ALNUM, 8)}`,
        },
        now: FIXED_NOW,
      }).body,
  );
  return { paypal, 'paypal:webhook': webhooks, '2checkout': twocheckout };
}

export interface FuzzRequest {
  mutation: string;
  body: Buffer;
  contentType: string | null;
  headers: Record<string, string>;
}

// Signature headers of JSON webhooks, with hostile values (never a certificate URL the gateway
// would fetch: the tests stay on this machine).
function signatureHeaders(dice: Dice): Record<string, string> {
  const headers: Record<string, string> = {};
  const values = () =>
    dice.pick([
      '',
      dice.string('0123456789abcdef', dice.int(80)),
      'x'.repeat(5000),
      'https://evil.example/cert.pem',
      'file:///etc/passwd',
      '2026-11-21T12:00:00Z',
      'SHA256withRSA',
      '%00\\x00',
    ]);
  for (const name of [
    'paypal-transmission-id',
    'paypal-transmission-time',
    'paypal-transmission-sig',
    'paypal-cert-url',
    'paypal-auth-algo',
  ]) {
    if (dice.chance(0.8)) headers[name] = values();
  }
  return headers;
}

const CONTENT_TYPES = [
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=UTF-8',
  'application/json',
  'text/plain',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  'application/x-www-form-urlencoded; charset=no-such-charset',
  ';;;',
  'x'.repeat(300),
];

const SIGNATURE_FIELDS = [
  'verify_sign',
  'HASH',
  'SIGNATURE_SHA2_256',
  'SIGNATURE_SHA3_256',
  'charset',
  'txn_id',
  'REFNO',
];

type Mutator = (body: Buffer, dice: Dice, maxBytes: number) => Buffer;

const MUTATORS: Record<string, Mutator> = {
  valid: (body) => body,
  byteFlips: (body, dice) => {
    const out = Buffer.from(body);
    const flips = 1 + dice.int(8);
    for (let i = 0; i < flips && out.length > 0; i++) {
      const at = dice.int(out.length);
      out[at] = (out[at] as number) ^ (1 << dice.int(8));
    }
    return out;
  },
  truncation: (body, dice) => body.subarray(0, dice.int(body.length + 1)),
  invalidEscapes: (body, dice) => {
    const text = body.toString('latin1');
    const at = dice.int(text.length + 1);
    const junk = dice.pick(['%', '%G', '%E', '%%', '%zz', '%u00e9', '%C3', '%FF%FE', '%0']);
    return Buffer.from(text.slice(0, at) + junk + text.slice(at), 'latin1');
  },
  nulBytes: (body, dice) => {
    const out = Buffer.from(body);
    for (let i = 0; i < 1 + dice.int(5) && out.length > 0; i++) out[dice.int(out.length)] = 0;
    return dice.chance(0.5) ? Buffer.concat([out, Buffer.from('&x=%00%00')]) : out;
  },
  hugeFieldCount: (body, dice, maxBytes) => {
    const field = dice.pick(['a=1&', 'HASH=0&', '&', 'item_name[]=x&', 'x&']);
    const count = Math.floor((maxBytes * (0.3 + dice.random() * 0.65)) / field.length);
    return Buffer.concat([body, Buffer.from(`&${field.repeat(count)}`)]);
  },
  duplicatedSignatureFields: (body, dice) => {
    const name = dice.pick(SIGNATURE_FIELDS);
    const copies = 1 + dice.int(4);
    let extra = '';
    for (let i = 0; i < copies; i++) extra += `&${name}=${dice.string('0123456789abcdef', dice.int(70))}`;
    return dice.chance(0.5)
      ? Buffer.concat([body, Buffer.from(extra)])
      : Buffer.concat([Buffer.from(extra.slice(1)), Buffer.from('&'), body]);
  },
  fieldShuffle: (body, dice) => {
    const parts = body.toString('latin1').split('&');
    for (let i = parts.length - 1; i > 0; i--) {
      const j = dice.int(i + 1);
      [parts[i], parts[j]] = [parts[j] as string, parts[i] as string];
    }
    return Buffer.from(parts.join('&'), 'latin1');
  },
  oversized: (body, _dice, maxBytes) => Buffer.concat([body, Buffer.alloc(maxBytes, 'a')]),
  randomBytes: (_body, dice) => dice.bytes(dice.int(4096)),
  json: (body) => Buffer.from(JSON.stringify({ body: body.toString('latin1'), id: 'WH-1', event_type: 'X' })),
  longFieldName: (body, dice) =>
    Buffer.concat([Buffer.from(`${'n'.repeat(1000 + dice.int(20_000))}=1&`), body]),
  rawUtf8AndControl: (body, dice) =>
    Buffer.concat([
      body,
      Buffer.from(dice.pick(['&first_name=Renée\r\n', '&x=\u0000\u0007', '&a=😀', '&\t=\n'])),
    ]),
  empty: () => Buffer.alloc(0),
};

export const MUTATIONS = Object.keys(MUTATORS);

/** One hostile request for an endpoint, from its valid bodies (or every provider's, for a new one). */
export function hostileRequest(dice: Dice, seeds: Buffer[], maxBytes: number): FuzzRequest {
  const mutation = dice.chance(0.08) ? 'valid' : dice.pick(MUTATIONS);
  let body = (MUTATORS[mutation] as Mutator)(dice.pick(seeds), dice, maxBytes);
  // Sometimes two mutations at once.
  if (mutation !== 'oversized' && dice.chance(0.2)) {
    body = (MUTATORS[dice.pick(['byteFlips', 'truncation', 'invalidEscapes', 'nulBytes'])] as Mutator)(
      body,
      dice,
      maxBytes,
    );
  }
  const contentType = dice.chance(0.75)
    ? 'application/x-www-form-urlencoded'
    : dice.chance(0.15)
      ? null
      : dice.pick(CONTENT_TYPES);
  const headers = dice.chance(0.3) ? signatureHeaders(dice) : {};
  return { mutation, body, contentType, headers };
}
