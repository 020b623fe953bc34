// Checks the read receipt in a gateway's answer the way 2Checkout would: find the tag, then
// recompute it with the secret key from the message's own fields and the receipt's DATE.
import { createSecretKey } from 'node:crypto';
import type { MessageKind } from '../../types';
import type { GroupedFields } from '../fields';
import { buildReceipt, receiptValues } from '../receipt';
import type { SignatureAlgorithm } from '../signature';

export type ReceiptCheck =
  | { ok: true; algorithm: SignatureAlgorithm; date: string }
  | { ok: false; problem: string };

const MD5_TAG = /<EPAYMENT>([^|<]*)\|([^<]*)<\/EPAYMENT>/;
const SHA_TAG = /<sig algo="([^"]*)" date="([^"]*)">([^<]*)<\/sig>/;

interface FoundReceipt {
  algorithm: string;
  date: string;
  tag: string;
}

function findReceipt(body: string): FoundReceipt | null {
  const sha = SHA_TAG.exec(body);
  if (sha) return { algorithm: sha[1] ?? '', date: sha[2] ?? '', tag: sha[0] };
  const md5 = MD5_TAG.exec(body);
  if (md5) return { algorithm: 'md5', date: md5[1] ?? '', tag: md5[0] };
  return null;
}

export interface ReceiptExpectation {
  kind: MessageKind;
  fields: GroupedFields;
  algorithm: SignatureAlgorithm;
  secretKey: string;
}

export function checkReceipt(expected: ReceiptExpectation, responseBody: string): ReceiptCheck {
  const found = findReceipt(responseBody);
  if (found === null) return { ok: false, problem: 'no receipt in the answer' };
  if (found.algorithm !== expected.algorithm) {
    return { ok: false, problem: `receipt uses ${found.algorithm}, expected ${expected.algorithm}` };
  }
  if (!/^\d{14}$/.test(found.date)) {
    return { ok: false, problem: `receipt DATE "${found.date}" is not 14 digits (YmdHis)` };
  }
  const key = createSecretKey(Buffer.from(expected.secretKey, 'utf8'));
  const wanted = buildReceipt(
    expected.algorithm,
    key,
    receiptValues(expected.kind, expected.fields),
    found.date,
  );
  if (found.tag.toLowerCase() !== wanted.toLowerCase()) {
    return { ok: false, problem: `receipt hash does not match (got ${found.tag}, expected ${wanted})` };
  }
  return { ok: true, algorithm: expected.algorithm, date: found.date };
}
