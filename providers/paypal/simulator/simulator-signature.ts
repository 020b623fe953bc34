// The simulator's stand-in for PayPal's `verify_sign`: an HMAC-SHA256 (base64url) under a shared
// simulator key over the encoded body without its `verify_sign` pair. `simulate paypal` signs,
// `fake-paypal` checks, so only messages the simulator made, unaltered, come back VERIFIED.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const DEFAULT_SIMULATOR_KEY = 'ipn-gateway-simulator-dev-key';

const VERIFY_SIGN = 'verify_sign';

/** The signature of an encoded body that has no verify_sign pair yet. */
export function simulatorSignature(unsignedBody: string, key: string): string {
  return createHmac('sha256', key).update(Buffer.from(unsignedBody, 'latin1')).digest('base64url');
}

/** Checks the exact bytes: remove the one verify_sign pair, recompute, compare. */
export function hasValidSimulatorSignature(body: Buffer, key: string): boolean {
  const pairs = body.toString('latin1').split('&');
  const signatures = pairs.filter((pair) => pair.split('=', 1)[0] === VERIFY_SIGN);
  if (signatures.length !== 1) return false;
  const presented = Buffer.from((signatures[0] as string).slice(VERIFY_SIGN.length + 1), 'latin1');
  const rest = pairs.filter((pair) => pair.split('=', 1)[0] !== VERIFY_SIGN).join('&');
  const expected = Buffer.from(simulatorSignature(rest, key), 'latin1');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}
