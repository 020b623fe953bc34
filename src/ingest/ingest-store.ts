// Where ingest writes: accepted and deferred messages go through group commit (see
// batched-store.ts); rejections are rare and written alone. Every write is bounded by the store
// timeout, so an unreachable database becomes a 503 the provider retries.

import { type DbHandle, QueryTimeoutError } from '../db/client';
import {
  type AcceptedItem,
  type DeferredItem,
  storeAcceptedBatch,
  storeDeferredBatch,
} from './batched-store';
import { GroupCommit } from './group-commit';
import { type InboundRecord, type NewEvent, type StoreResult, storeRejected } from './message-store';

export class IngestStore {
  private readonly accepted: GroupCommit<AcceptedItem, StoreResult>;
  private readonly deferred: GroupCommit<DeferredItem, StoreResult>;

  constructor(
    private readonly db: DbHandle,
    private readonly timeoutMs: number,
  ) {
    this.accepted = new GroupCommit((items, since) => storeAcceptedBatch(db, items, this.left(since)));
    this.deferred = new GroupCommit((items, since) => storeDeferredBatch(db, items, this.left(since)));
  }

  /** The store timeout counts from when the oldest message of a batch was submitted. */
  private left(since: number): { timeoutMs: number } {
    const timeoutMs = Math.round(this.timeoutMs - (performance.now() - since));
    if (timeoutMs <= 0) throw new QueryTimeoutError(this.timeoutMs);
    return { timeoutMs };
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
