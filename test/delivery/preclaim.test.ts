// Preclaimed first attempts: the ingest statement inserts a delivery already claimed when the
// process's lane holds the subscriber's current row. The preclaimed delivery must be exactly what a
// claim would have read, its token must be the one the row holds (so its record is accepted), and
// it must never be preclaimed from a subscriber row that changed since the lane read it.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClaimedDelivery, claimDeliveries, recordAttempts } from '../../src/delivery/delivery-store';
import { type LeaseSubscriber, type Preclaim, releaseClaims } from '../../src/delivery/preclaim';
import { storeAcceptedBatch } from '../../src/ingest/batched-store';
import { buildNewEvent } from '../../src/ingest/ingest';
import type { InboundRecord } from '../../src/ingest/message-store';
import { attemptRecordOf } from '../support/attempts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { completedPayment, inboundRecord } from '../support/messages';

const TIMINGS = { leaseMs: 30_000, recheckMs: 60_000 };
const SUBSCRIBERS = ['sub_1event', 'sub_2raw', 'sub_3ordered', 'sub_4changed'] as const;

let database: TestDatabase;
let sequence = 0;

function message(): InboundRecord {
  sequence += 1;
  return inboundRecord(`msg_pre_${sequence}`, {
    provider: '2checkout',
    contentType: 'application/x-www-form-urlencoded; charset=utf-8',
    rawBody: Buffer.from(`REFNO=${sequence}&IPN_PID[]=1&HASH=abc`),
  });
}

async function leaseSubscribers(): Promise<Map<string, LeaseSubscriber>> {
  const rows = await database.handle.rows<{
    id: string;
    version: string;
    url: string;
    format: string;
    headers: Record<string, string>;
    secret: string;
  }>(sql`select id, xmin::text as version, url, format, headers, secret from subscribers order by id`);
  return new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        version: row.version,
        url: row.url,
        format: row.format === 'raw' ? 'raw' : 'event',
        headers: row.headers,
        secret: row.secret,
        previousSecret: null,
        previousSecretExpiresAt: null,
      },
    ]),
  );
}

async function store(preclaim: Preclaim | null) {
  const record = message();
  const event = buildNewEvent(
    `ipn:${record.id}`,
    completedPayment(`TX-${record.id}`, 'COMPLETE'),
    record,
    record.receivedAt,
  );
  const [result] = await storeAcceptedBatch(database.handle, [{ record, event }], undefined, preclaim);
  if (!result) throw new Error('no result');
  return result;
}

const recordOf = (claim: ClaimedDelivery) => attemptRecordOf(claim, 200);

describe('deliveries claimed by the ingest statement', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    await database.handle.rows(sql`
      insert into subscribers (id, url, secret, format, ordering, headers) values
        ('sub_1event', 'http://127.0.0.1:9/event', 'whsec_AAAA', 'event', 'none', '{"x-team": "billing"}'),
        ('sub_2raw', 'http://127.0.0.1:9/raw', 'whsec_BBBB', 'raw', 'none', '{}'),
        ('sub_3ordered', 'http://127.0.0.1:9/ordered', 'whsec_CCCC', 'event', 'transaction', '{}'),
        ('sub_4changed', 'http://127.0.0.1:9/changed', 'whsec_DDDD', 'event', 'none', '{}')`);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('claims them for the subscribers offered at their row version, exactly as a claim reads them', async () => {
    const subscribers = await leaseSubscribers();
    subscribers.delete('sub_3ordered'); // lanes never offer ordered subscribers
    // Changed after the lane read it: its deliveries must go through a claim.
    await database.handle.rows(
      sql`update subscribers set url = 'http://127.0.0.1:9/moved' where id = 'sub_4changed'`,
    );

    const result = await store({ subscribers, leaseMs: TIMINGS.leaseMs });

    expect(result.status).toBe('verified');
    expect(
      result.deliveries.map((delivery) => [delivery.subscriberId, delivery.claimed !== undefined]),
    ).toEqual([
      ['sub_1event', true],
      ['sub_2raw', true],
      ['sub_3ordered', false],
      ['sub_4changed', false],
    ]);
    const rows = await database.handle.rows<{ id: string; claim_token: string | null; leased: boolean }>(sql`
      select id, claim_token, lease_until > now() + interval '25 seconds' as leased
      from deliveries where event_id = ${result.eventId} order by id`);
    expect(rows.map((row) => [row.claim_token, row.leased])).toEqual(
      result.deliveries.map((delivery) =>
        delivery.claimed ? [delivery.claimed.claimToken, true] : [null, null],
      ),
    );

    // While claimed, nobody else can claim them; the others a job claims as usual.
    const requests = result.deliveries.map((delivery) => ({ deliveryId: delivery.id, attempt: 0 }));
    const claims = await claimDeliveries(database.handle, requests, TIMINGS);
    expect(claims.map((claim) => claim?.subscriberId ?? null)).toEqual([
      null,
      null,
      'sub_3ordered',
      'sub_4changed',
    ]);
    expect(claims[3]?.url).toBe('http://127.0.0.1:9/moved');

    // Given back, a claim reads exactly what the ingest statement handed over (but its token).
    const preclaimed = result.deliveries.flatMap((delivery) => (delivery.claimed ? [delivery.claimed] : []));
    await releaseClaims(database.handle, preclaimed);
    const reclaimed = await claimDeliveries(
      database.handle,
      preclaimed.map((claim) => ({ deliveryId: claim.id, attempt: 0 })),
      TIMINGS,
    );
    expect(reclaimed).toHaveLength(2);
    for (const [index, claim] of preclaimed.entries()) {
      const again = reclaimed[index] as ClaimedDelivery;
      expect({ ...claim, claimToken: again.claimToken }).toEqual(again);
      expect(again.claimToken).not.toBe(claim.claimToken);
    }
    expect(preclaimed[0]?.headers).toEqual({ 'x-team': 'billing' });
    expect(preclaimed[0]?.rawBody).toBeNull();
    expect(preclaimed[1]?.rawBody?.toString()).toMatch(/^REFNO=/);
    expect(preclaimed[1]?.rawContentType).toBe('application/x-www-form-urlencoded; charset=utf-8');
  });

  it("records an attempt made with the ingest statement's claim", async () => {
    const result = await store({ subscribers: await leaseSubscribers(), leaseMs: TIMINGS.leaseMs });
    const claimed = result.deliveries[0]?.claimed as ClaimedDelivery;
    expect(claimed.subscriberId).toBe('sub_1event');
    expect(await recordAttempts(database.handle, [recordOf(claimed)])).toEqual([true]);
    const [row] = await database.handle.rows<{ status: string; claim_token: string | null }>(sql`
      select status, claim_token from deliveries where id = ${claimed.id}`);
    expect(row).toEqual({ status: 'succeeded', claim_token: null });
  });

  it('gives back only the claim it names', async () => {
    const result = await store({ subscribers: await leaseSubscribers(), leaseMs: TIMINGS.leaseMs });
    const claimed = result.deliveries[0]?.claimed as ClaimedDelivery;
    await releaseClaims(database.handle, [{ id: claimed.id, claimToken: 'someone-else' }]);
    expect(await claimDeliveries(database.handle, [{ deliveryId: claimed.id, attempt: 0 }], TIMINGS)).toEqual(
      [null],
    );
    expect(await recordAttempts(database.handle, [recordOf(claimed)])).toEqual([true]);
  });

  it('claims nothing without an offer', async () => {
    const result = await store(null);
    expect(result.deliveries).toHaveLength(SUBSCRIBERS.length);
    expect(result.deliveries.every((delivery) => delivery.claimed === undefined)).toBe(true);
    const [row] = await database.handle.rows<{ n: number }>(sql`
      select count(*)::int as n from deliveries where event_id = ${result.eventId} and claim_token is not null`);
    expect(row?.n).toBe(0);
  });
});
