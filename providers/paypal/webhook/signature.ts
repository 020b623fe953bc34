// PayPal's offline webhook signature: SHA256withRSA over
// `<transmission id>|<transmission time>|<webhook id>|<CRC-32 of the raw body, unsigned decimal>`.
import { type KeyObject, verify } from 'node:crypto';
import * as zlib from 'node:zlib';

export const SIGNATURE_ALGORITHM = 'SHA256withRSA';

// node:zlib has crc32 from Node 20.15; older 20.x releases get the same IEEE polynomial in JS.
const CRC_TABLE = Array.from({ length: 256 }, (_, index) => {
  let value = index;
  for (let bit = 0; bit < 8; bit++) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
  return value >>> 0;
});

function crc32InJs(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const nativeCrc32 = (zlib as { crc32?: (data: Buffer) => number }).crc32;

/** Unsigned, as PayPal signs it: a signed CRC would fail for half of all bodies. */
export function bodyCrc32(rawBody: Buffer): number {
  return (nativeCrc32 ? nativeCrc32(rawBody) : crc32InJs(rawBody)) >>> 0;
}

/** Exported for the test that keeps the fallback equal to the native one. */
export const crc32Fallback = crc32InJs;

export function signedString(
  transmissionId: string,
  transmissionTime: string,
  webhookId: string,
  rawBody: Buffer,
): string {
  return `${transmissionId}|${transmissionTime}|${webhookId}|${bodyCrc32(rawBody)}`;
}

export function signatureMatches(signed: string, signatureBase64: string, publicKey: KeyObject): boolean {
  try {
    return verify('sha256', Buffer.from(signed, 'utf8'), publicKey, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}
