// With the verify worker in the same process (ROLE=all), the first check of a message just stored
// runs in the process's own verifier, from the message in memory: no job, no read of the message.
// The verifier takes a bounded backlog and hands back the rest (and everything once it is closing),
// which the caller enqueues; checks not started when it closes are enqueued as first-check jobs.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutOfBandVerifier } from '../../providers/types';
import type { InboundRecord } from '../../src/ingest/message-store';
import { createLogger } from '../../src/logger';
import type { JobDispatcher } from '../../src/queue/dispatcher';
import type { QueuedJob } from '../../src/queue/jobs';
import { MessageVerifier } from '../../src/verify/message-verifier';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { waitFor } from '../support/gateway';
import { inboundRecord, insertPendingMessage } from '../support/messages';
import { checkOnlyInstance, heldNetwork } from '../support/plugins';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const pending = (id: string) => inboundRecord(id, { receivedAt: new Date() });

describe('first checks in the process that stored the message', () => {
  it('checks what its backlog allows from memory, hands back the rest, and nothing once closing', async () => {
    const db = database.handle;
    const records = ['msg_local_1', 'msg_local_2', 'msg_local_3'].map(pending);
    for (const record of records) await insertPendingMessage(db, record);

    // Every postback waits until the test answers it; the answer makes the message invalid.
    const { postbacks, network } = heldNetwork();
    const verifier: OutOfBandVerifier = {
      verify: (message) => ({
        step: 'request',
        request: { method: 'POST', url: 'http://127.0.0.1:9/check', headers: {}, body: message.rawBody },
        continueWith: () => ({ step: 'invalid', reason: 'INVALID' }),
      }),
      timeoutMs: 1000,
      retryScheduleMs: [60_000],
      giveUpAfterMs: 3_600_000,
    };
    const enqueued: QueuedJob<unknown>[] = [];
    const messageVerifier = new MessageVerifier({
      db,
      logger: createLogger('silent'),
      dispatcher: {
        enqueue: (jobs: QueuedJob<unknown>[]) => enqueued.push(...jobs),
      } as unknown as JobDispatcher,
      instances: [checkOnlyInstance(verifier)],
      network,
      localChecks: { concurrency: 1, backlog: 2 },
    });

    // A backlog of 2: the third is handed back for the queue.
    expect(messageVerifier.offer(records).map((record) => record.id)).toEqual(['msg_local_3']);
    // One at a time: the second waits for the first postback.
    await waitFor(() => postbacks.length === 1, { what: 'the first postback' });
    expect(postbacks[0]?.body).toBe('txn_id=msg_local_1');
    postbacks[0]?.answer({ ok: true, status: 200, body: Buffer.from('INVALID') });
    await waitFor(() => postbacks.length === 2, { what: 'the second postback' });
    postbacks[1]?.answer({ ok: true, status: 200, body: Buffer.from('INVALID') });

    const settled = async () =>
      db.rows<{ id: string; status: string }>(sql`
        select id, status from inbound_messages where id like 'msg_local_%' order by id`);
    await waitFor(async () => (await settled()).filter((row) => row.status === 'invalid').length === 2, {
      what: 'both messages settled',
    });
    expect(await settled()).toEqual([
      { id: 'msg_local_1', status: 'invalid' },
      { id: 'msg_local_2', status: 'invalid' },
      { id: 'msg_local_3', status: 'pending' },
    ]);
    expect(enqueued).toEqual([]);

    // Closing: the check in flight finishes, the one not started is enqueued as a first check.
    const [running, queued] = ['msg_local_5', 'msg_local_6'].map(pending) as [InboundRecord, InboundRecord];
    for (const record of [running, queued]) await insertPendingMessage(db, record);
    expect(messageVerifier.offer([running, queued])).toEqual([]);
    await waitFor(() => postbacks.length === 3, { what: 'the third postback' });
    const closing = messageVerifier.close(5000);
    expect(enqueued.map((job) => [job.queue, job.opts.jobId])).toEqual([['verify', 'msg_local_6-v0']]);
    postbacks[2]?.answer({ ok: true, status: 200, body: Buffer.from('INVALID') });
    await closing;
    expect(postbacks).toHaveLength(3);
    const late = pending('msg_local_4');
    expect(messageVerifier.offer([late])).toEqual([late]);
  });
});
