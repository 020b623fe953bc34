// Identifiers in PayPal's shapes: 17-character txn_id, 13-character payer/receiver ids,
// 13-hex ipn_track_id, `I-` profile ids, `PP-R-` case ids. Fresh ones per simulated message.
import { createHash, randomInt } from 'node:crypto';

const UPPER_ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const HEX = '0123456789abcdef';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';

export interface PaypalIds {
  txnId: string;
  /** The payment a refund, reversal or dispute refers to. */
  parentTxnId: string;
  payerId: string;
  ipnTrackId: string;
  /** subscr_id / recurring_payment_id. */
  profileId: string;
  caseId: string;
  invoice: string;
}

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export function randomPaypalIds(): PaypalIds {
  return {
    txnId: randomString(UPPER_ALNUM, 17),
    parentTxnId: randomString(UPPER_ALNUM, 17),
    payerId: randomString(UPPER_ALNUM, 13),
    ipnTrackId: randomString(HEX, 13),
    profileId: `I-${randomString(UPPER_ALNUM, 12)}`,
    caseId: `PP-R-${randomString(LETTERS, 3)}-${randomString(DIGITS, 8)}`,
    invoice: `ORD-${randomString(DIGITS, 6)}`,
  };
}

/** A stable 13-character receiver_id per receiver email, so one merchant keeps one id. */
export function receiverIdFor(receiverEmail: string): string {
  const digest = createHash('sha256').update(receiverEmail.trim().toLowerCase()).digest();
  let out = '';
  for (let i = 0; i < 13; i++) out += UPPER_ALNUM[(digest[i] as number) % UPPER_ALNUM.length];
  return out;
}
