// A genuine IPN for someone else's PayPal account must not be forwarded. Checked before the
// postback (so a stranger's message costs us nothing) and again after it.
import { field, type ParsedIpn } from './parse';

/** The reason the receiver is refused, or null when it is one of ours (or no list is configured). */
export function receiverRejection(ipn: ParsedIpn, receiverEmails: readonly string[]): string | null {
  const allowed = new Set(
    receiverEmails.map((entry) => entry.trim().toLowerCase()).filter((entry) => entry !== ''),
  );
  if (allowed.size === 0) return null;
  const candidates = [field(ipn, 'receiver_email'), field(ipn, 'business'), field(ipn, 'receiver_id')].filter(
    (value): value is string => value !== null,
  );
  if (candidates.some((value) => allowed.has(value.trim().toLowerCase()))) return null;
  return `receiver ${candidates[0] ?? '(none)'} is not in PAYPAL_RECEIVER_EMAILS`;
}
