// 2Checkout references for simulated messages: 9-digit REFNO, numeric ORDERNO and MESSAGE_ID,
// 10-character license codes. Fresh ones per message, so each is a distinct notification.
import { randomInt } from 'node:crypto';

const UPPER_ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export interface TwocheckoutIds {
  refno: string;
  orderNo: string;
  messageId: string;
  /** One per product line; the first is the subscription reference (LICENSE_CODE in an LCN). */
  licenseCodes: [string, string];
  customerReference: string;
}

function digits(length: number): string {
  let out = String(1 + randomInt(9));
  while (out.length < length) out += String(randomInt(10));
  return out;
}

function licenseCode(): string {
  let out = '';
  for (let i = 0; i < 10; i++) out += UPPER_ALNUM[randomInt(UPPER_ALNUM.length)];
  return out;
}

export function randomTwocheckoutIds(): TwocheckoutIds {
  return {
    refno: digits(9),
    orderNo: digits(5),
    messageId: digits(12),
    licenseCodes: [licenseCode(), licenseCode()],
    customerReference: digits(9),
  };
}
