// Receive → decide (plugin) → store (group-committed statement) → answer. The answer is chosen by the plugin but
// only sent once PostgreSQL has the message; follow-up work goes to queues without being awaited.
import type { InboundDecision, MessageKind, NormalizedEvent, ProviderResponse } from '../../providers/types';
import { DEFAULT_ACCOUNT } from '../config/accounts-file';
import { serializeEvent } from '../events/event-body';
import { paymentKey } from '../events/payment-key';
import { newId } from '../ids';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../metrics/metrics';
import { paymentFacts, transitionsFor } from '../payments/payment-facts';
import type { ProviderInstance } from '../providers/provider-instances';
import type { CheckResult } from '../verify/run-check';
import type { IngestStore } from './ingest-store';
import type { InboundRecord, NewDelivery, NewEvent, StoreResult } from './message-store';

export interface InboundHttpMessage {
  provider: ProviderInstance;
  kind: MessageKind;
  path: string;
  /** The body, or null when it exceeded the size limit (then `bodyPrefix` holds what was read). */
  rawBody: Buffer | null;
  bodyPrefix?: Buffer;
  declaredBytes?: number | null;
  contentType: string | null;
  headers: Record<string, string>;
  remoteAddr: string | null;
  receivedAt: Date;
  /** The HTTP request id, for the logs. */
  requestId?: string;
}

/** What the HTTP layer sends: the provider's own answer, or a problem for errors. */
export type IngestAnswer =
  | { kind: 'provider'; response: ProviderResponse }
  | { kind: 'problem'; status: 400 | 413 | 503; detail: string };

export interface IngestOutcome {
  answer: IngestAnswer;
  messageId: string;
  stored: StoreResult | null;
}

export interface FollowUps {
  /** The first out-of-band check of a message stored as pending. */
  checkFirst(message: InboundRecord): void;
  /** The first attempt of each new delivery, one job each on its subscriber's queue. */
  deliver(deliveries: NewDelivery[]): void;
}

/** Runs a plugin's out-of-band check now (for messages checked before they are answered). */
export type CheckNow = (
  instance: ProviderInstance,
  message: { kind: MessageKind; headers: Record<string, string>; rawBody: Buffer; receivedAt: Date },
) => Promise<CheckResult>;

export interface IngestDeps {
  store: IngestStore;
  checkNow: CheckNow;
  logger: Logger;
  followUps: FollowUps;
  maxBodyBytes: number;
  metrics?: GatewayMetrics;
}

/** Where a message came from: the event's `provider`, `account` and `channel` (its kind). */
export interface MessageOrigin {
  provider: string;
  account: string;
  kind: MessageKind;
}

/** Plugins dedupe within an account; the same key in two accounts is two notifications. */
export function accountScopedKey(account: string, idempotencyKey: string): string {
  return account === DEFAULT_ACCOUNT ? idempotencyKey : `${account}/${idempotencyKey}`;
}

export function buildNewEvent(
  idempotencyKey: string,
  event: NormalizedEvent,
  origin: MessageOrigin,
  receivedAt: Date,
): NewEvent {
  const id = newId('evt');
  return {
    id,
    type: event.type,
    account: origin.account,
    idempotencyKey: accountScopedKey(origin.account, idempotencyKey),
    livemode: event.livemode,
    occurredAt: event.occurredAt ?? receivedAt,
    transactionId: event.data.transaction_id,
    orderId: event.data.order_id,
    paymentKey: paymentKey(origin.provider, event.data, origin.account),
    body: serializeEvent({
      id,
      provider: origin.provider,
      account: origin.account,
      channel: origin.kind,
      receivedAt,
      event,
    }),
    payment: paymentFacts(transitionsFor(origin.provider), event, origin.account),
  };
}

function decide(
  provider: ProviderInstance,
  message: InboundHttpMessage,
  body: Buffer,
): InboundDecision | Error {
  try {
    return provider.receive({
      kind: message.kind,
      account: provider.account,
      path: message.path,
      headers: message.headers,
      rawBody: body,
      contentType: message.contentType,
      now: message.receivedAt,
    });
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Rejections answer with a problem document; the plugin's own text would be less clear. */
function rejectionAnswer(decision: { reason: string; response: ProviderResponse }): IngestAnswer {
  if (decision.response.status >= 400) {
    return { kind: 'problem', status: 400, detail: decision.reason };
  }
  return { kind: 'provider', response: decision.response };
}

export async function ingest(deps: IngestDeps, message: InboundHttpMessage): Promise<IngestOutcome> {
  const { store: ingestStore, logger } = deps;
  const record: InboundRecord = {
    id: newId('msg'),
    provider: message.provider.provider,
    account: message.provider.account,
    kind: message.kind,
    receivedAt: message.receivedAt,
    contentType: message.contentType,
    headers: message.headers,
    remoteAddr: message.remoteAddr,
    rawBody: message.rawBody ?? message.bodyPrefix ?? Buffer.alloc(0),
  };
  // Plain fields, not a child logger: a child is built eagerly, even when nothing is logged.
  const context = {
    requestId: message.requestId,
    messageId: record.id,
    provider: record.provider,
    account: record.account,
    kind: record.kind,
  };

  let answer: IngestAnswer;
  let store: () => Promise<StoreResult>;
  if (message.rawBody === null) {
    const size = message.declaredBytes ?? `more than ${deps.maxBodyBytes}`;
    const reason = `body of ${size} bytes exceeds MAX_BODY_BYTES (${deps.maxBodyBytes}); first bytes kept`;
    answer = { kind: 'problem', status: 413, detail: reason };
    store = () => ingestStore.storeRejected(record, reason, null);
  } else {
    const decision = decide(message.provider, message, message.rawBody);
    if (decision instanceof Error) {
      logger.error({ ...context, err: decision }, 'provider plugin failed on a message');
      const reason = `internal error while reading the message: ${decision.message}`;
      // Still a 4xx (docs/contract.md section 10: provider traffic never gets a 5xx); providers
      // resend either way, and the stored rejection and the error log say what went wrong.
      answer = { kind: 'problem', status: 400, detail: 'the message was stored but could not be read' };
      store = () => ingestStore.storeRejected(record, reason, null);
    } else {
      switch (decision.outcome) {
        case 'malformed':
          answer = rejectionAnswer(decision);
          store = () => ingestStore.storeRejected(record, decision.reason, null);
          break;
        case 'rejected':
          answer = rejectionAnswer(decision);
          store = () =>
            ingestStore.storeRejected(
              record,
              decision.reason,
              decision.idempotencyKey === null
                ? null
                : accountScopedKey(record.account, decision.idempotencyKey),
            );
          break;
        case 'deferred': {
          const key = accountScopedKey(record.account, decision.idempotencyKey);
          const checked =
            decision.checkBeforeAnswer && message.provider.verifier
              ? await deps.checkNow(message.provider, { ...record, rawBody: message.rawBody })
              : null;
          if (checked === null || checked.step === 'retry') {
            // No verdict now (or none wanted before answering): stored pending, checked by a worker.
            if (checked) logger.warn({ ...context, reason: checked.reason }, 'check deferred to a worker');
            answer = { kind: 'provider', response: decision.response };
            store = () => ingestStore.storeDeferred(record, key);
          } else if (checked.step === 'invalid') {
            answer = { kind: 'problem', status: 400, detail: checked.reason };
            store = () => ingestStore.storeRejected(record, checked.reason, key);
          } else if (checked.decision.outcome === 'rejected') {
            const { reason } = checked.decision;
            answer = { kind: 'provider', response: decision.response };
            store = () => ingestStore.storeRejected(record, reason, key);
          } else {
            answer = { kind: 'provider', response: decision.response };
            const event = buildNewEvent(
              checked.decision.idempotencyKey,
              checked.decision.event,
              record,
              record.receivedAt,
            );
            store = () => ingestStore.storeAccepted(record, event);
          }
          break;
        }
        case 'accepted': {
          answer = { kind: 'provider', response: decision.response };
          const event = buildNewEvent(decision.idempotencyKey, decision.event, record, record.receivedAt);
          store = () => ingestStore.storeAccepted(record, event);
          break;
        }
      }
    }
  }

  let stored: StoreResult;
  try {
    stored = await store();
  } catch (error) {
    logger.error(
      { ...context, err: error },
      'could not store inbound message; answering 503 so the provider retries',
    );
    deps.metrics?.notifications.inc({ provider: record.provider, kind: record.kind, outcome: 'unstored' });
    return {
      answer: { kind: 'problem', status: 503, detail: 'the message could not be stored; please retry' },
      messageId: record.id,
      stored: null,
    };
  }

  // Checked first: otherwise the fields object is built per message even when info is not logged.
  if (logger.isLevelEnabled('info'))
    logger.info(
      { ...context, status: stored.status, eventId: stored.eventId, deliveries: stored.deliveries.length },
      'message stored',
    );
  deps.metrics?.notifications.inc({ provider: record.provider, kind: record.kind, outcome: stored.status });
  if (stored.status === 'pending') deps.followUps.checkFirst(record);
  if (stored.deliveries.length > 0) deps.followUps.deliver(stored.deliveries);
  return { answer, messageId: record.id, stored };
}
