// PayPal REST webhooks: checked before answering when the certificate can be had (a bad signature
// gets a 400), otherwise stored, answered 200 and checked later through the core.
import type { X509Certificate } from 'node:crypto';
import type {
  InboundDecision,
  InboundRequest,
  ProviderResponse,
  StoredMessage,
  VerifyStep,
} from '../../types';
import type { PayPalAccount, PayPalShared } from '../settings';
import { checkCertificateChain, trustedCertificates } from './certificate';
import { certUrlAllowed, readTransmissionHeaders } from './headers';
import { normalizeWebhook } from './normalize';
import { parseWebhook } from './parse';
import { SIGNATURE_ALGORITHM, signatureMatches, signedString } from './signature';

// PayPal rotates its signing certificate rarely; a day keeps the fetches rare and rotation quick.
const CERTIFICATE_CACHE_MS = 24 * 3_600_000;

const acknowledged = (): ProviderResponse => ({ status: 200, body: '' });
const badRequest = (): ProviderResponse => ({ status: 400, body: '' });

/** Dedupe key: the webhook's own id (a resend keeps it). */
const keyOf = (webhookId: string) => `ppwh:${webhookId}`;

export function createWebhookHandler(shared: PayPalShared, account: PayPalAccount) {
  let trusted: X509Certificate[] | null = null;
  // Parsed on first use: the system roots are ~150 certificates nobody needs without webhooks.
  const trustedCas = () => {
    trusted ??= trustedCertificates(shared.caBundle);
    return trusted;
  };

  /** Everything that can be refused without a network request. */
  function screen(headers: Readonly<Record<string, string>>, rawBody: Buffer) {
    const parsed = parseWebhook(rawBody);
    if (!parsed.ok) return { outcome: 'malformed' as const, reason: parsed.reason };
    const key = keyOf(parsed.webhook.id);
    const transmission = readTransmissionHeaders(headers);
    if (!transmission.ok) return { outcome: 'rejected' as const, reason: transmission.reason, key };
    const { authAlgo, certUrl } = transmission.headers;
    if (authAlgo !== SIGNATURE_ALGORITHM) {
      return { outcome: 'rejected' as const, reason: `unsupported PAYPAL-AUTH-ALGO ${authAlgo}`, key };
    }
    if (!certUrlAllowed(certUrl, shared.certUrlPrefixes)) {
      return {
        outcome: 'rejected' as const,
        reason: `certificate URL ${certUrl} is not under PAYPAL_WEBHOOK_CERT_URL_PREFIXES; not fetched`,
        key,
      };
    }
    return { outcome: 'ok' as const, webhook: parsed.webhook, transmission: transmission.headers, key };
  }

  function receive(request: InboundRequest): InboundDecision {
    const screened = screen(request.headers, request.rawBody);
    if (screened.outcome === 'malformed') {
      return { outcome: 'malformed', reason: screened.reason, response: badRequest() };
    }
    if (screened.outcome === 'rejected') {
      return {
        outcome: 'rejected',
        reason: screened.reason,
        idempotencyKey: screened.key,
        response: badRequest(),
      };
    }
    return {
      outcome: 'deferred',
      idempotencyKey: screened.key,
      response: acknowledged(),
      checkBeforeAnswer: true,
    };
  }

  function verify(message: StoredMessage, now: Date): VerifyStep {
    const webhookId = account.webhookId;
    if (webhookId === null) return { step: 'invalid', reason: 'no webhook id configured for this account' };
    const screened = screen(message.headers, message.rawBody);
    if (screened.outcome !== 'ok') return { step: 'invalid', reason: screened.reason };
    const { transmission, webhook, key } = screened;
    return {
      step: 'request',
      request: { method: 'GET', url: transmission.certUrl, cacheForMs: CERTIFICATE_CACHE_MS },
      continueWith(answer) {
        if (!answer.ok) return { step: 'retry', reason: `certificate fetch failed: ${answer.error}` };
        // A missing certificate will not appear later (and forged URLs must not cost days of
        // retries); server errors, throttling and redirects are no verdict.
        const gone =
          answer.status >= 400 && answer.status < 500 && answer.status !== 408 && answer.status !== 429;
        if (gone) return { step: 'invalid', reason: `certificate URL answered HTTP ${answer.status}` };
        if (answer.status !== 200) {
          return { step: 'retry', reason: `certificate fetch answered HTTP ${answer.status}` };
        }
        const chain = checkCertificateChain(answer.body.toString('utf8'), trustedCas(), now);
        if (!chain.ok) return { step: 'invalid', reason: chain.reason };
        const signed = signedString(
          transmission.transmissionId,
          transmission.transmissionTime,
          webhookId,
          message.rawBody,
        );
        if (!signatureMatches(signed, transmission.transmissionSig, chain.leaf.publicKey)) {
          return { step: 'invalid', reason: 'PAYPAL-TRANSMISSION-SIG does not match the body' };
        }
        return {
          step: 'verified',
          decision: {
            outcome: 'accepted',
            idempotencyKey: key,
            event: normalizeWebhook(webhook, shared.mode === 'live'),
          },
        };
      },
    };
  }

  return { receive, verify };
}
