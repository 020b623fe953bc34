// Receive → decide (plugin) → store (group-committed statement) → answer. The answer is chosen by the plugin but
// only sent once PostgreSQL has the message; follow-up work goes to queues without being awaited.
import type {
  ConfiguredProvider,
  InboundDecision,
  MessageKind,
  NormalizedEvent,
  ProviderResponse,
} from '../../providers/types';
import { serializeEvent } from '../events/event-body';
import { paymentKey } from '../events/payment-key';
import { newId } from '../ids';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../metrics/metrics';
import { paymentFacts, transitionsFor } from '../payments/payment-facts';
import type { IngestStore } from './ingest-store';
import type { InboundRecord, NewDelivery, NewEvent, StoreResult } from './message-store';

export interface InboundHttpMessage {
  provider: ConfiguredProvider;
  kind: MessageKind;
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
  | { kind: 'problem'; status: 400 | 413 | 500 | 503; detail: string };

export interface IngestOutcome {
  answer: IngestAnswer;
  messageId: string;
  stored: StoreResult | null;
}

export interface FollowUps {
  verifyMessage(messageId: string, attempt: number): void;
  /** The first attempt of each new delivery, one job each on its subscriber's queue. */
  deliver(deliveries: NewDelivery[]): void;
}

export interface IngestDeps {
  store: IngestStore;
  logger: Logger;
  followUps: FollowUps;
  maxBodyBytes: number;
  metrics?: GatewayMetrics;
}

export function buildNewEvent(
  idempotencyKey: string,
  event: NormalizedEvent,
  provider: string,
  receivedAt: Date,
): NewEvent {
  const id = newId('evt');
  return {
    id,
    type: event.type,
    idempotencyKey,
    livemode: event.livemode,
    occurredAt: event.occurredAt ?? receivedAt,
    transactionId: event.data.transaction_id,
    orderId: event.data.order_id,
    paymentKey: paymentKey(provider, event.data),
    body: serializeEvent({ id, provider, receivedAt, event }),
    payment: paymentFacts(transitionsFor(provider), event),
  };
}

function decide(
  provider: ConfiguredProvider,
  message: InboundHttpMessage,
  body: Buffer,
): InboundDecision | Error {
  try {
    return provider.receive({
      kind: message.kind,
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
    provider: message.provider.id,
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
      answer = { kind: 'problem', status: 500, detail: 'the message was stored but could not be processed' };
      store = () => ingestStore.storeRejected(record, reason, null);
    } else {
      switch (decision.outcome) {
        case 'malformed':
          answer = rejectionAnswer(decision);
          store = () => ingestStore.storeRejected(record, decision.reason, null);
          break;
        case 'rejected':
          answer = rejectionAnswer(decision);
          store = () => ingestStore.storeRejected(record, decision.reason, decision.idempotencyKey);
          break;
        case 'deferred':
          answer = { kind: 'provider', response: decision.response };
          store = () => ingestStore.storeDeferred(record, decision.idempotencyKey);
          break;
        case 'accepted': {
          answer = { kind: 'provider', response: decision.response };
          const event = buildNewEvent(
            decision.idempotencyKey,
            decision.event,
            record.provider,
            record.receivedAt,
          );
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

  logger.info(
    { ...context, status: stored.status, eventId: stored.eventId, deliveries: stored.deliveries.length },
    'message stored',
  );
  deps.metrics?.notifications.inc({ provider: record.provider, kind: record.kind, outcome: stored.status });
  if (stored.status === 'pending') deps.followUps.verifyMessage(record.id, 0);
  if (stored.deliveries.length > 0) deps.followUps.deliver(stored.deliveries);
  return { answer, messageId: record.id, stored };
}
