// Verdicts are stored one statement at a time: those that come in while a verdict statement runs
// wait for it and then go together in the next one (fewer, larger statements; see the recorder in
// message-verifier.ts).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkAnswer, OutOfBandVerifier } from '../../providers/types';
import type { DbHandle } from '../../src/db/client';
import { createLogger } from '../../src/logger';
import type { JobDispatcher } from '../../src/queue/dispatcher';
import { MessageVerifier } from '../../src/verify/message-verifier';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { waitFor } from '../support/gateway';
import { completedPayment, inboundRecord, insertPendingMessage } from '../support/messages';
import { checkOnlyInstance, heldNetwork } from '../support/plugins';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** The database, with every verdict statement noted and the first one held until released. */
function holdingFirstVerdict(db: DbHandle) {
  const verdictBatches: string[][] = [];
  let running = 0;
  let mostAtOnce = 0;
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const handle: DbHandle = {
    ...db,
    query: async (text, params, options) => {
      // The verdict statement is the one whose input rows are keyed by message_id.
      if (!/t\(ord int, message_id text/.test(text)) {
        return db.query(text, params, options);
      }
      const ids = (JSON.parse(String(params?.[0])) as Array<{ message_id: string }>).map(
        (row) => row.message_id,
      );
      verdictBatches.push(ids);
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      try {
        if (verdictBatches.length === 1) await released;
        return await db.query(text, params, options);
      } finally {
        running--;
      }
    },
  };
  return { handle, verdictBatches, release, mostAtOnce: () => mostAtOnce };
}

describe('verdict statements', () => {
  it('keeps one in flight; the verdicts that arrive meanwhile share the next', async () => {
    const records = ['msg_verdict_1', 'msg_verdict_2', 'msg_verdict_3'].map((id) =>
      inboundRecord(id, { receivedAt: new Date() }),
    );
    for (const record of records) await insertPendingMessage(database.handle, record);
    const db = holdingFirstVerdict(database.handle);
    const { postbacks, network } = heldNetwork();
    const verifier: OutOfBandVerifier = {
      verify: (message) => ({
        step: 'request',
        request: { method: 'POST', url: 'http://127.0.0.1:9/check', headers: {}, body: message.rawBody },
        continueWith: () => {
          const transactionId = String(message.rawBody).replace('txn_id=', '');
          return {
            step: 'verified',
            decision: {
              outcome: 'accepted',
              idempotencyKey: `ipn:${transactionId}`,
              event: completedPayment(transactionId),
            },
          };
        },
      }),
      timeoutMs: 1000,
      retryScheduleMs: [60_000],
      giveUpAfterMs: 3_600_000,
    };
    const messageVerifier = new MessageVerifier({
      db: db.handle,
      logger: createLogger('silent'),
      dispatcher: { enqueue: () => {} } as unknown as JobDispatcher,
      instances: [checkOnlyInstance(verifier)],
      network,
    });

    expect(messageVerifier.offer(records)).toEqual([]);
    await waitFor(() => postbacks.length === 3, { what: 'three postbacks' });
    const verified: NetworkAnswer = { ok: true, status: 200, body: Buffer.from('VERIFIED') };
    postbacks[0]?.answer(verified);
    await waitFor(() => db.verdictBatches.length === 1, { what: 'the first verdict statement' });
    postbacks[1]?.answer(verified);
    postbacks[2]?.answer(verified);
    // Both verdicts are ready while the first statement is held: neither starts a statement of its own.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(db.verdictBatches).toEqual([['msg_verdict_1']]);

    db.release();
    const statuses = async () =>
      database.handle.rows<{ id: string; status: string }>(sql`
        select id, status from inbound_messages where id like 'msg_verdict_%' order by id`);
    await waitFor(async () => (await statuses()).every((row) => row.status === 'verified'), {
      what: 'all three verified',
    });
    expect(db.verdictBatches).toEqual([['msg_verdict_1'], ['msg_verdict_2', 'msg_verdict_3']]);
    expect(db.mostAtOnce()).toBe(1);
    await messageVerifier.close(1000);
  });
});
