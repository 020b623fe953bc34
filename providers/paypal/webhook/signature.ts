// PayPal's offline webhook signature: SHA256withRSA over
// `<transmission id>|<transmission time>|<webhook id>|<CRC-32 of the raw body, unsigned decimal>`.
import { type KeyObject, verify } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const SIGNATURE_ALGORITHM = 'SHA256withRSA';

/** node:zlib's crc32 is unsigned already; a signed CRC would fail for half of all bodies. */
export function bodyCrc32(rawBody: Buffer): number {
  return crc32(rawBody) >>> 0;
}

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
