// The verify worker stores the verdicts of jobs that finish together in one statement: each
// message still gets its own outcome, and copies of one notification inside a statement make one
// event (the first), the others duplicates, as across statements.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNewEvent } from '../../src/ingest/ingest';
import { IngestStore } from '../../src/ingest/ingest-store';
import { recordVerifiedBatch } from '../../src/ingest/message-store';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { completedPayment, inboundRecord, storedEvents, storedMessages } from '../support/messages';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const record = (id: string) => inboundRecord(id);
const completed = (transactionId: string) => completedPayment(transactionId);

describe('recordVerifiedBatch', () => {
  it('stores one event per notification key; copies in the same statement are duplicates', async () => {
    const db = database.handle;
    const store = new IngestStore(db, 5_000);
    const ids = ['msg_batch_a', 'msg_batch_b', 'msg_batch_c'];
    const keys = ['ipn:TX-1', 'ipn:TX-1', 'ipn:TX-2'];
    await Promise.all(ids.map((id, index) => store.storeDeferred(record(id), keys[index] as string)));

    const items = ids.map((id, index) => {
      const message = record(id);
      const event = buildNewEvent(
        keys[index] as string,
        completed(index === 2 ? 'TX-2' : 'TX-1'),
        message,
        message.receivedAt,
      );
      return { message, event };
    });
    // The same message twice (a job run twice at once) shares one outcome.
    const results = await recordVerifiedBatch(db, [...items, items[0] as (typeof items)[number]]);

    expect(results.map((result) => result?.status)).toEqual([
      'verified',
      'duplicate',
      'verified',
      'verified',
    ]);
    expect(results[1]?.eventId).toBe(results[0]?.eventId);
    expect(results[3]).toEqual(results[0]);
    const events = await storedEvents(db);
    expect(events).toHaveLength(2);
    const messages = await storedMessages(db);
    expect(messages.map((message) => [message.id, message.status])).toEqual([
      ['msg_batch_a', 'verified'],
      ['msg_batch_b', 'duplicate'],
      ['msg_batch_c', 'verified'],
    ]);
    const [payments] = await db.rows<{ n: number }>(sql`select count(*)::int as n from payments`);
    expect(payments?.n).toBe(2);
  });

  it('answers null for a message that does not exist, and still stores the others', async () => {
    const db = database.handle;
    const store = new IngestStore(db, 5_000);
    await store.storeDeferred(record('msg_batch_d'), 'ipn:TX-4');
    const items = ['msg_batch_d', 'msg_missing'].map((id, index) => {
      const message = record(id);
      return {
        message,
        event: buildNewEvent(
          `ipn:TX-${4 + index}`,
          completed(`TX-${4 + index}`),
          message,
          message.receivedAt,
        ),
      };
    });
    const results = await recordVerifiedBatch(db, items);
    expect(results[0]?.status).toBe('verified');
    expect(results[1]).toBeNull();
  });
});

describe('recordVerifiedBatch, a message checked twice at once', () => {
  it('settles it once: the second verdict finds it no longer pending and changes nothing', async () => {
    const db = database.handle;
    const store = new IngestStore(db, 5_000);
    const message = record('msg_twice');
    await store.storeDeferred(message, 'ipn:TX-TWICE');
    const item = () => ({
      message,
      event: buildNewEvent('ipn:TX-TWICE', completed('TX-TWICE'), message, message.receivedAt),
    });

    const [first] = await recordVerifiedBatch(db, [item()]);
    const [second] = await recordVerifiedBatch(db, [item()]);

    expect(first?.status).toBe('verified');
    expect(second).toBeNull();
    const [row] = await db.rows<{ status: string; event_id: string }>(
      sql`select status, event_id from inbound_messages where id = 'msg_twice'`,
    );
    expect(row).toEqual({ status: 'verified', event_id: first?.eventId });
    const [events] = await db.rows<{ n: number }>(
      sql`select count(*)::int as n from events where message_id = 'msg_twice'`,
    );
    expect(events?.n).toBe(1);
  });
});
