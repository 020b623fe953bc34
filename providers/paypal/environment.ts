// The environment comes from configuration, never from the message: anyone can get a genuinely
// VERIFIED sandbox IPN, so `test_ipn` must match the configured mode.
import { isSandboxMessage, type ParsedIpn } from './parse';
import type { PayPalMode } from './settings';

export function environmentRejection(ipn: ParsedIpn, mode: PayPalMode): string | null {
  const sandboxMessage = isSandboxMessage(ipn);
  if (mode === 'live' && sandboxMessage) return 'sandbox message (test_ipn=1) received in live mode';
  if (mode === 'sandbox' && !sandboxMessage) return 'live message (no test_ipn=1) received in sandbox mode';
  return null;
}
