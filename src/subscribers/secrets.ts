import { randomBytes } from 'node:crypto';

/** After a rotation the old secret keeps signing alongside the new one for this long. */
export const PREVIOUS_SECRET_GRACE_HOURS = 24;

/** Standard Webhooks secret: `whsec_` + base64 of 24 random bytes. */
export function generateSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}
