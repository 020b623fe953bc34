// A provider is asked once per check attempt, however many jobs ask for the same message: a job
// holds its message while it checks (verify_claimed_until), the reconciler leaves held messages
// and those a process is still checking in memory alone, and a hold that has passed (its worker
// died) can be taken again. The jobs' claim runs on PostgreSQL and on embedded PGlite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutOfBandVerifier } from '../../providers/types';
import { type DbHandle, openPglite } from '../../src/db/client';
import { storeDeferredBatch } from '../../src/ingest/batched-store';
import { createLogger } from '../../src/logger';
import type { JobDispatcher } from '../../src/queue/dispatcher';
import type { QueuedJob } from '../../src/queue/jobs';
import { Reconciler } from '../../src/queue/reconciler';
import { MessageVerifier } from '../../src/verify/message-verifier';
import type { NetworkClient } from '../../src/verify/network-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { waitFor } from '../support/gateway';
import { inboundRecord } from '../support/messages';
import { checkOnlyInstance, heldNetwork } from '../support/plugins';

let database: TestDatabase;
let embedded: DbHandle;
const embeddedDir = mkdtempSync(path.join(tmpdir(), 'ipn-gateway-claims-'));
const handles: Record<'postgres' | 'pglite', () => DbHandle> = {
  postgres: () => database.handle,
  pglite: () => embedded,
};

beforeAll(async () => {
  database = await createTestDatabase();
  embedded = await openPglite(embeddedDir);
  await embedded.migrate();
}, 60_000);
afterAll(async () => {
  await database?.drop();
  await embedded?.close();
  rmSync(embeddedDir, { recursive: true, force: true });
});

const logger = createLogger('silent');

const checker: OutOfBandVerifier = {
  verify: (message) => ({
    step: 'request',
    request: { method: 'POST', url: 'http://127.0.0.1:9/check', headers: {}, body: message.rawBody },
    continueWith: (answer) =>
      answer.ok
        ? { step: 'invalid', reason: String(answer.body) }
        : { step: 'retry', reason: answer.error ?? 'no answer' },
  }),
  timeoutMs: 1000,
  retryScheduleMs: [60_000],
  giveUpAfterMs: 3_600_000,
};

function recordingDispatcher() {
  const enqueued: QueuedJob<unknown>[] = [];
  const dispatcher = {
    enqueue: (jobs: QueuedJob<unknown>[]) => enqueued.push(...jobs),
    flush: async () => {},
  } as unknown as JobDispatcher;
  return { enqueued, dispatcher };
}

function verifierWith(
  db: DbHandle,
  network: NetworkClient,
  dispatcher: JobDispatcher,
  localWaitLimitMs?: number,
) {
  return new MessageVerifier({
    db,
    logger,
    dispatcher,
    instances: [checkOnlyInstance(checker)],
    network,
    localChecks: { concurrency: 1, backlog: 10, waitLimitMs: localWaitLimitMs },
  });
}

async function insertPending(db: DbHandle, id: string): Promise<void> {
  await db.rows(sql`
    insert into inbound_messages
      (id, provider, account, kind, received_at, status, headers, raw_body, verify_attempts, next_verify_at)
    values (${id}, 'paypal', 'default', 'ipn', now(), 'pending', '{}'::jsonb, ${Buffer.from(`txn_id=${id}`)}, 0,
            now() - interval '1 hour')`);
}

async function messageRow(db: DbHandle, id: string) {
  const [row] = await db.rows<{
    status: string;
    verify_attempts: number;
    held: boolean;
    hold_s: number | null;
  }>(sql`
    select status, verify_attempts, verify_claimed_until > now() as held,
           round(extract(epoch from verify_claimed_until - now()))::int as hold_s
    from inbound_messages where id = ${id}`);
  return row;
}

function reconcilerWith(db: DbHandle, dispatcher: JobDispatcher) {
  return new Reconciler({ db, dispatcher, logger, intervalMs: 60_000, overdueAfterMs: 0 });
}

describe.each(['postgres', 'pglite'] as const)('checks taken by jobs (%s)', (kind) => {
  it('asks the provider once when jobs of two workers, and two in one tick, ask for the same attempt', async () => {
    const db = handles[kind]();
    await insertPending(db, 'msg_claim_1');
    const { postbacks, network } = heldNetwork();
    const { dispatcher } = recordingDispatcher();
    const first = verifierWith(db, network, dispatcher);
    const second = verifierWith(db, network, dispatcher);
    const job = { messageId: 'msg_claim_1', attempt: 0 };

    // Two in the same tick share one claim statement; the other worker's comes after it.
    const sameTick = [first.handle(job), first.handle(job)];
    await waitFor(() => postbacks.length === 1, { what: 'the postback' });
    await second.handle(job); // finds the message held and returns at once
    expect(postbacks).toHaveLength(1);
    // Held for the longest check (1 s here, up to 4 requests) plus the job's margin (30 s).
    expect(await messageRow(db, 'msg_claim_1')).toMatchObject({ status: 'pending', held: true, hold_s: 34 });

    // The reconciler leaves a held message alone, though it is long overdue.
    const reconciled = recordingDispatcher();
    await reconcilerWith(db, reconciled.dispatcher).runOnce();
    expect(reconciled.enqueued.map((queued) => queued.opts.jobId)).not.toContain('msg_claim_1-v0');

    postbacks[0]?.answer({ ok: true, status: 200, body: Buffer.from('INVALID') });
    await Promise.all(sameTick);
    expect(await messageRow(db, 'msg_claim_1')).toMatchObject({ status: 'invalid' });
    expect(postbacks).toHaveLength(1);
  });

  it('frees the message when the attempt gives no verdict, and takes a hold that has passed', async () => {
    const db = handles[kind]();
    await insertPending(db, 'msg_claim_2');
    const { postbacks, network } = heldNetwork();
    const { enqueued, dispatcher } = recordingDispatcher();
    const verifier = verifierWith(db, network, dispatcher);

    const firstAttempt = verifier.handle({ messageId: 'msg_claim_2', attempt: 0 });
    await waitFor(() => postbacks.length === 1, { what: 'the first postback' });
    postbacks[0]?.answer({ ok: false, error: 'no answer within 1000 ms' });
    await firstAttempt;
    // The retry is scheduled and free to be taken by its job.
    expect(await messageRow(db, 'msg_claim_2')).toMatchObject({ verify_attempts: 1, held: null });
    expect(enqueued.map((queued) => queued.opts.jobId)).toEqual(['msg_claim_2-v1']);

    // The retry's worker dies holding the message: nobody takes it until the hold has passed.
    const dying = verifier.handle({ messageId: 'msg_claim_2', attempt: 1 });
    await waitFor(() => postbacks.length === 2, { what: 'the retry' });
    await verifier.handle({ messageId: 'msg_claim_2', attempt: 1 });
    expect(postbacks).toHaveLength(2);
    // Minutes later, the retry's due time and its hold both past:
    await db.rows(sql`
      update inbound_messages
      set next_verify_at = now() - interval '1 minute', verify_claimed_until = now() - interval '1 second'
      where id = 'msg_claim_2'`);
    const reconciled = recordingDispatcher();
    await reconcilerWith(db, reconciled.dispatcher).runOnce();
    expect(reconciled.enqueued.map((queued) => queued.opts.jobId)).toContain('msg_claim_2-v1');
    const again = verifier.handle({ messageId: 'msg_claim_2', attempt: 1 });
    await waitFor(() => postbacks.length === 3, { what: 'the retry taken again' });
    for (const postback of postbacks.slice(1)) {
      postback.answer({ ok: true, status: 200, body: Buffer.from('INVALID') });
    }
    await Promise.all([dying, again]);
    expect(await messageRow(db, 'msg_claim_2')).toMatchObject({ status: 'invalid' });
  });
});

describe('first checks run in memory by the process that stored the message', () => {
  it('are left to that process for its hold, and go through the queue after waiting too long', async () => {
    const { postbacks, network } = heldNetwork();
    const { enqueued, dispatcher } = recordingDispatcher();
    const verifier = verifierWith(database.handle, network, dispatcher, 200);
    expect(verifier.localHoldMs).toBe(200 + 4 * 1000 + 30_000);

    const records = ['msg_local_hold_1', 'msg_local_hold_2'].map((id) =>
      inboundRecord(id, { receivedAt: new Date() }),
    );
    const stored = await storeDeferredBatch(
      database.handle,
      records.map((record) => ({ record, idempotencyKey: `key-${record.id}` })),
      verifier.localHoldMs,
    );
    expect(stored.map((result) => result.status)).toEqual(['pending', 'pending']);
    const [due] = await database.handle.rows<{ hold_s: number }>(sql`
      select round(extract(epoch from next_verify_at - now()))::int as hold_s
      from inbound_messages where id = 'msg_local_hold_1'`);
    expect(due?.hold_s).toBe(34);
    const reconciled = recordingDispatcher();
    await reconcilerWith(database.handle, reconciled.dispatcher).runOnce();
    expect(reconciled.enqueued.map((queued) => String(queued.opts.jobId))).not.toContain(
      'msg_local_hold_1-v0',
    );

    // One slot: the second check waits behind the first for longer than its 200 ms limit, and
    // is handed to the queue when its turn comes, where a job's hold protects it.
    expect(verifier.offer(records)).toEqual([]);
    await waitFor(() => postbacks.length === 1, { what: 'the first local check' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    postbacks[0]?.answer({ ok: true, status: 200, body: Buffer.from('INVALID') });
    await waitFor(() => enqueued.length === 1, { what: 'the second check enqueued' });
    expect(enqueued.map((queued) => queued.opts.jobId)).toEqual(['msg_local_hold_2-v0']);
    expect(postbacks).toHaveLength(1);
    await verifier.close(1000);
  });
});
