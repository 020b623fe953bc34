// One inbound IPN/LCN: parse, verify the strongest signature, key, receipt, normalize.
import { createSecretKey, type KeyObject } from 'node:crypto';
import { groupFieldMap, parseUtf8Form } from '../form';
import type { InboundDecision, InboundRequest, ProviderResponse } from '../types';
import type { GroupedFields } from './fields';
import { idempotencyKey, keyOmits } from './idempotency';
import { normalize } from './normalize';
import { buildReceipt, receiptDate, receiptValues } from './receipt';
import { signatureSources, strongestSignature, verifySignature } from './signature';

const MISSING_SIGNATURE = 'missing signature (HASH, SIGNATURE_SHA2_256 or SIGNATURE_SHA3_256)';

// No receipt in error answers, so 2Checkout keeps retrying.
function plainText(status: number, body: string): ProviderResponse {
  return { status, contentType: 'text/plain; charset=utf-8', body };
}

export function createReceiver(secretKey: string): (request: InboundRequest) => InboundDecision {
  const hmacKey: KeyObject = createSecretKey(Buffer.from(secretKey, 'utf8'));

  return (request) => {
    const parsed = parseUtf8Form(request.rawBody);
    if (!parsed.ok) {
      return {
        outcome: 'malformed',
        reason: parsed.reason,
        response: plainText(400, 'Bad request: the body is not a well-formed form.'),
      };
    }
    // One lookup map for the signature, the receipt and the event; its entries in grouped order.
    const byName = groupFieldMap(parsed.fields);
    const fields: GroupedFields = [...byName];
    // The signed string and the key's source come from one pass over the fields.
    const sources = signatureSources(fields, keyOmits(request.kind));
    const messageKey = idempotencyKey(request.kind, sources.withoutOmitted);

    const signature = strongestSignature(fields, byName);
    if (signature === null) {
      return {
        outcome: 'rejected',
        reason: MISSING_SIGNATURE,
        idempotencyKey: messageKey,
        response: plainText(400, 'Bad request: the notification is not signed.'),
      };
    }
    if (!verifySignature(sources.signed, signature, hmacKey)) {
      return {
        outcome: 'rejected',
        reason: `${signature.field} does not match`,
        idempotencyKey: messageKey,
        response: plainText(400, 'Bad request: the signature does not match.'),
      };
    }

    const receipt = buildReceipt(
      signature.algorithm,
      hmacKey,
      receiptValues(request.kind, fields, byName),
      receiptDate(request.now),
    );
    return {
      outcome: 'accepted',
      idempotencyKey: messageKey,
      event: normalize(request.kind, fields, byName),
      response: { status: 200, contentType: 'text/html; charset=utf-8', body: receipt },
    };
  };
}
