// Ingest keeps one statement in flight: messages that arrive while it runs wait and go together in
// the next one, so batches grow under load instead of statements multiplying.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../src/db/client';
import { buildNewEvent } from '../../src/ingest/ingest';
import { IngestStore } from '../../src/ingest/ingest-store';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { completedPayment, inboundRecord, storedMessages } from '../support/messages';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** The database, with each statement held back until `release` and every batch size recorded. */
function gatedHandle(db: DbHandle) {
  const batches: number[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const gates: Array<() => void> = [];
  const handle: DbHandle = {
    ...db,
    async query(text, params, options) {
      batches.push((JSON.parse(String(params[0])) as unknown[]).length);
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise<void>((resolve) => gates.push(resolve));
      try {
        return await db.query(text, params, options);
      } finally {
        running--;
      }
    },
  };
  return {
    handle,
    batches,
    mostAtOnce: () => mostAtOnce,
    /** Lets the oldest held statement run, once one is waiting. */
    async release(): Promise<void> {
      while (gates.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      (gates.shift() as () => void)();
    },
  };
}

function accepted(id: string) {
  const record = inboundRecord(id, { rawBody: Buffer.from(`txn_id=${id}`) });
  return { record, event: buildNewEvent(`ipn:${id}`, completedPayment(id), record, record.receivedAt) };
}

describe('IngestStore', () => {
  it('runs one statement at a time; what arrives meanwhile goes in the next one, and all are stored', async () => {
    const gated = gatedHandle(database.handle);
    const store = new IngestStore(gated.handle, 10_000);
    const store1 = (id: string) => {
      const { record, event } = accepted(id);
      return store.storeAccepted(record, event);
    };

    const first = [store1('msg_gc_01'), store1('msg_gc_02')];
    await new Promise((resolve) => setImmediate(resolve));
    // The first statement is held; these arrive while it runs.
    const later = Array.from({ length: 8 }, (_, index) => store1(`msg_gc_1${index}`));
    await gated.release();
    await Promise.all(first);
    await gated.release();
    const results = await Promise.all(later);

    expect(gated.batches).toEqual([2, 8]);
    expect(gated.mostAtOnce()).toBe(1);
    expect(results.every((result) => result.status === 'verified')).toBe(true);
    expect((await storedMessages(database.handle)).filter((m) => m.id.startsWith('msg_gc_'))).toHaveLength(
      10,
    );
  });
});
