// PayPal IPN: answer 200 once stored, verify later by postback, then normalize.
import type {
  ConfiguredProvider,
  InboundDecision,
  InboundRequest,
  ProviderPlugin,
  ProviderResponse,
  ProviderSettings,
  VerifiedDecision,
} from '../types';
import { environmentRejection } from './environment';
import { idempotencyKey } from './idempotency';
import { normalize } from './normalize';
import { parseIpn } from './parse';
import { buildPostbackRequest, interpretPostback } from './postback';
import { receiverRejection } from './receiver';
import { paypalTransitions } from './transitions';

// PayPal needs an empty 200 to stop resending, whatever we decide about the message.
const acknowledged = (): ProviderResponse => ({ status: 200, body: '' });
const badRequest = (): ProviderResponse => ({ status: 400, body: '' });

function configure(settings: ProviderSettings): ConfiguredProvider {
  const { mode, verifyUrl, receiverEmails, userAgent } = settings.paypal;

  function receive(request: InboundRequest): InboundDecision {
    const parsed = parseIpn(request.rawBody);
    if (!parsed.ok) return { outcome: 'malformed', reason: parsed.reason, response: badRequest() };
    const key = idempotencyKey(parsed.ipn, request.rawBody);
    const refused = environmentRejection(parsed.ipn, mode);
    if (refused !== null) {
      return { outcome: 'rejected', reason: refused, idempotencyKey: key, response: acknowledged() };
    }
    return { outcome: 'deferred', idempotencyKey: key, response: acknowledged() };
  }

  function afterVerified(rawBody: Buffer): VerifiedDecision {
    const parsed = parseIpn(rawBody);
    if (!parsed.ok) return { outcome: 'rejected', reason: parsed.reason };
    // Checked again in case the mode changed between receipt and verification.
    const refused = environmentRejection(parsed.ipn, mode) ?? receiverRejection(parsed.ipn, receiverEmails);
    if (refused !== null) return { outcome: 'rejected', reason: refused };
    return {
      outcome: 'accepted',
      idempotencyKey: idempotencyKey(parsed.ipn, rawBody),
      event: normalize(parsed.ipn),
    };
  }

  return {
    id: 'paypal',
    endpoints: [{ kind: 'ipn', path: '/ipn/paypal', answersGet: false }],
    receive,
    deferredVerifier: {
      postbackRequest: (rawBody) => buildPostbackRequest(rawBody, verifyUrl, userAgent),
      interpretPostback,
      afterVerified,
    },
  };
}

export const paypalPlugin: ProviderPlugin = {
  id: 'paypal',
  // Nothing is required: mode and verify URL have defaults, the receiver list is optional.
  isConfigured: () => true,
  configure,
  transitions: paypalTransitions,
};
