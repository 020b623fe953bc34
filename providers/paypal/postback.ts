// Verification: PayPal recognises only the exact bytes it sent, prefixed with the command.
import type { NetworkRequest } from '../types';

const VALIDATE_PREFIX = Buffer.from('cmd=_notify-validate&', 'ascii');

export type PostbackVerdict = 'verified' | 'invalid' | 'retry';

export function buildPostbackRequest(rawBody: Buffer, verifyUrl: string, userAgent: string): NetworkRequest {
  return {
    method: 'POST',
    url: verifyUrl,
    body: Buffer.concat([VALIDATE_PREFIX, rawBody]),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      // PayPal answers 403 to postbacks without one.
      'user-agent': userAgent,
    },
  };
}

/** Only an exact VERIFIED/INVALID with 200 is a verdict; error pages and redirects are retried. */
export function interpretPostback(status: number, body: string): PostbackVerdict {
  if (status !== 200) return 'retry';
  const answer = body.trim();
  if (answer === 'VERIFIED') return 'verified';
  if (answer === 'INVALID') return 'invalid';
  return 'retry';
}
