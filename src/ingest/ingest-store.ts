// Where ingest writes: accepted and deferred messages go through group commit (see
// batched-store.ts); rejections are rare and written alone. Every write is bounded by the store
// timeout, so an unreachable database becomes a 503 the provider retries.

import type { DbHandle } from '../db/client';
import { Batcher } from '../delivery/batcher';
import {
  type AcceptedItem,
  type DeferredItem,
  storeAcceptedBatch,
  storeDeferredBatch,
} from './batched-store';
import { type InboundRecord, type NewEvent, type StoreResult, storeRejected } from './message-store';

export class IngestStore {
  private readonly accepted: Batcher<AcceptedItem, StoreResult>;
  private readonly deferred: Batcher<DeferredItem, StoreResult>;

  constructor(
    private readonly db: DbHandle,
    private readonly timeoutMs: number,
  ) {
    const options = { timeoutMs };
    this.accepted = new Batcher((items) => storeAcceptedBatch(db, items, options));
    this.deferred = new Batcher((items) => storeDeferredBatch(db, items, options));
  }

  storeAccepted(record: InboundRecord, event: NewEvent): Promise<StoreResult> {
    return this.accepted.submit({ record, event });
  }

  storeDeferred(record: InboundRecord, idempotencyKey: string): Promise<StoreResult> {
    return this.deferred.submit({ record, idempotencyKey });
  }

  storeRejected(record: InboundRecord, reason: string, idempotencyKey: string | null): Promise<StoreResult> {
    return storeRejected(this.db, record, reason, idempotencyKey, { timeoutMs: this.timeoutMs });
  }
}
