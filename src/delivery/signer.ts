// Standard Webhooks signatures: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`, keyed by the
// base64 part of a `whsec_` secret. Node's native HMAC; the tests check it with the
// `standardwebhooks` package. During a secret rotation both signatures are sent, space-separated.
import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

function secretKey(secret: string): Buffer {
  return Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    'base64',
  );
}

export function sign(
  secret: string,
  messageId: string,
  timestampSeconds: number,
  body: string | Buffer,
): string {
  const hmac = createHmac('sha256', secretKey(secret));
  hmac.update(`${messageId}.${timestampSeconds}.`);
  hmac.update(body);
  return `v1,${hmac.digest('base64')}`;
}

export interface SigningSecrets {
  current: string;
  previous: string | null;
  previousExpiresAt: Date | null;
}

export function webhookHeaders(
  secrets: SigningSecrets,
  messageId: string,
  body: string | Buffer,
  now: Date,
): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  const signatures = [sign(secrets.current, messageId, timestamp, body)];
  if (secrets.previous && secrets.previousExpiresAt && secrets.previousExpiresAt > now) {
    signatures.push(sign(secrets.previous, messageId, timestamp, body));
  }
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatures.join(' '),
  };
}
