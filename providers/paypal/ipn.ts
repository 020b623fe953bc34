// PayPal IPN: answer 200 once stored, verify later by postback (sent by the core), then normalize.
import type {
  InboundDecision,
  InboundRequest,
  ProviderResponse,
  VerifiedDecision,
  VerifyStep,
} from '../types';
import { environmentRejection } from './environment';
import { idempotencyKey } from './idempotency';
import { normalize } from './normalize';
import { type ParsedIpn, parseIpn } from './parse';
import { buildPostbackRequest, interpretPostback } from './postback';
import { receiverRejection } from './receiver';
import type { PayPalAccount, PayPalShared } from './settings';

// PayPal needs an empty 200 to stop resending, whatever we decide about the message.
const acknowledged = (): ProviderResponse => ({ status: 200, body: '' });
const badRequest = (): ProviderResponse => ({ status: 400, body: '' });
const MAX_EXCERPT = 200;

export function createIpnHandler(shared: PayPalShared, account: PayPalAccount) {
  const { mode, verifyUrl, userAgent } = shared;

  /** Environment and receiver, checked before any postback and again after it. */
  const refusal = (ipn: Parameters<typeof environmentRejection>[0]) =>
    environmentRejection(ipn, mode) ?? receiverRejection(ipn, account.receiverEmails);

  // What receive read, for the verdict on the same body: a process that checks its own messages
  // (ROLE=all) hands the check the very buffer it received, and reading the form again was about
  // 6 % of the PayPal path's CPU. Bodies loaded from the database are new buffers and are read
  // again. Entries go with their buffer.
  const readAtReceipt = new WeakMap<Buffer, { ipn: ParsedIpn; key: string }>();

  function receive(request: InboundRequest): InboundDecision {
    const parsed = parseIpn(request.rawBody);
    if (!parsed.ok) return { outcome: 'malformed', reason: parsed.reason, response: badRequest() };
    const key = idempotencyKey(parsed.ipn, request.rawBody);
    readAtReceipt.set(request.rawBody, { ipn: parsed.ipn, key });
    const refused = refusal(parsed.ipn);
    if (refused !== null) {
      return { outcome: 'rejected', reason: refused, idempotencyKey: key, response: acknowledged() };
    }
    return { outcome: 'deferred', idempotencyKey: key, response: acknowledged() };
  }

  function afterVerified(rawBody: Buffer): VerifiedDecision {
    let read = readAtReceipt.get(rawBody);
    if (read === undefined) {
      const parsed = parseIpn(rawBody);
      if (!parsed.ok) return { outcome: 'rejected', reason: parsed.reason };
      read = { ipn: parsed.ipn, key: idempotencyKey(parsed.ipn, rawBody) };
    }
    // Checked again in case the settings changed between receipt and verification.
    const refused = refusal(read.ipn);
    if (refused !== null) return { outcome: 'rejected', reason: refused };
    return { outcome: 'accepted', idempotencyKey: read.key, event: normalize(read.ipn) };
  }

  function verify(rawBody: Buffer): VerifyStep {
    return {
      step: 'request',
      request: buildPostbackRequest(rawBody, verifyUrl, userAgent),
      continueWith(answer) {
        if (!answer.ok) return { step: 'retry', reason: `postback failed: ${answer.error}` };
        const text = answer.body.toString('utf8');
        const excerpt = text.trim().slice(0, MAX_EXCERPT);
        const detail = `HTTP ${answer.status}${excerpt ? `: ${excerpt}` : ''}`;
        const verdict = interpretPostback(answer.status, text);
        if (verdict === 'invalid') {
          return { step: 'invalid', reason: `PayPal answered INVALID to the postback (${detail})` };
        }
        if (verdict === 'retry') return { step: 'retry', reason: detail };
        return { step: 'verified', decision: afterVerified(rawBody) };
      },
    };
  }

  return { receive, verify };
}
