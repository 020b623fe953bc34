// Event keys per docs/protocols/paypal-ipn.md 6.3: business keys, so retries and manual resends
// (`resend=true`) collapse onto one event while new facts (Pending → Completed) get new keys.
import { sha256Hex } from '../digest';
import { field, isSandboxMessage, keyword, type ParsedIpn } from './parse';

function receiverOf(ipn: ParsedIpn): string {
  return (
    field(ipn, 'receiver_id') ??
    field(ipn, 'receiver_email')?.toLowerCase() ??
    field(ipn, 'business')?.toLowerCase() ??
    '-'
  );
}

/** `new_case`, or a blank-type chargeback notice: a case, not a money movement. */
function isCaseNotice(ipn: ParsedIpn): boolean {
  if (keyword(ipn, 'txn_type') === 'new_case') return true;
  return field(ipn, 'payment_status') === null && (field(ipn, 'case_id') ?? field(ipn, 'case_type')) !== null;
}

/** Hash of the body without its `resend` pair, which is the only thing a manual resend adds. */
function bodyDigest(rawBody: Buffer): string {
  const pairs = rawBody
    .toString('latin1')
    .split('&')
    .filter((pair) => pair.split('=', 1)[0] !== 'resend');
  return sha256Hex(Buffer.from(pairs.join('&'), 'latin1'));
}

export function idempotencyKey(ipn: ParsedIpn, rawBody: Buffer): string {
  const scope = `pp:${isSandboxMessage(ipn) ? 'sandbox' : 'live'}:${receiverOf(ipn)}`;
  const txnId = field(ipn, 'txn_id');
  const caseType = field(ipn, 'case_type') ?? '-';

  if (isCaseNotice(ipn)) {
    const caseId = field(ipn, 'case_id');
    if (caseId !== null) return `${scope}:case:${caseId}:${caseType}`;
    if (txnId !== null) {
      return `${scope}:case:${txnId}:${field(ipn, 'case_creation_date') ?? '-'}:${caseType}`;
    }
  } else if (txnId !== null) {
    return `${scope}:txn:${txnId}:${field(ipn, 'payment_status') ?? '-'}`;
  }

  const trackId = field(ipn, 'ipn_track_id');
  if (trackId === null) return `${scope}:body:${bodyDigest(rawBody)}`;
  const profile = field(ipn, 'subscr_id') ?? field(ipn, 'recurring_payment_id') ?? field(ipn, 'mp_id') ?? '-';
  return `${scope}:${profile}:${field(ipn, 'txn_type') ?? '-'}:${trackId}`;
}
