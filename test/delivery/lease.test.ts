// The lease and its claim token: an attempt is recorded only by the claim that made it. If a lease
// ever ran out and another worker claimed the delivery, the first worker's late record is refused,
// so no attempt is recorded twice and the delivery's state follows the live claim only.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClaimedDelivery, claimDeliveries, recordAttempts } from '../../src/delivery/delivery-store';
import { deliveryLeaseMs } from '../../src/roles/workers';
import { attemptRecordOf } from '../support/attempts';
import { createTestDatabase, type TestDatabase } from '../support/database';

const SUBSCRIBER = 'sub_01JD5Q8Z3R4B9T6W2X7Y0KMN1P';
const DELIVERY = 'dlv_01JD5Q8Z3R4B9T6W2X7Y0KMN1P1';

const recordOf = attemptRecordOf;

describe('lease and claim token', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = database.handle;
    await db.rows(
      sql`insert into subscribers (id, url, secret) values (${SUBSCRIBER}, 'http://127.0.0.1:9/', 'whsec_AAAA')`,
    );
    await db.rows(sql`
      insert into events (id, provider, type, idempotency_key, livemode, occurred_at, received_at, message_id, body)
      values ('evt_01JD5Q8Z3R4B9T6W2X7Y0KMN1P', '2checkout', 'payment.completed', 'k', true, now(), now(), 'msg_1', '{}')`);
    await db.rows(sql`
      insert into deliveries (id, event_id, subscriber_id, status, attempt_count, next_attempt_at)
      values (${DELIVERY}, 'evt_01JD5Q8Z3R4B9T6W2X7Y0KMN1P', ${SUBSCRIBER}, 'pending', 0, now())`);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('the lease comfortably outlasts an attempt: twice the timeout plus 10 s', () => {
    expect(deliveryLeaseMs(15_000)).toBe(40_000);
  });

  it('a claim held by a live lease cannot be taken; a record from a superseded claim is refused', async () => {
    const db = database.handle;
    const timings = { leaseMs: 60_000, recheckMs: 60_000 };
    const [first] = await claimDeliveries(db, [{ deliveryId: DELIVERY, attempt: 0 }], timings);
    expect(first).not.toBeNull();
    // While the lease holds, nobody else claims it.
    expect(await claimDeliveries(db, [{ deliveryId: DELIVERY, attempt: 0 }], timings)).toEqual([null]);

    // The first worker stalls past its lease; another claims the delivery.
    await db.rows(
      sql`update deliveries set lease_until = now() - interval '1 second' where id = ${DELIVERY}`,
    );
    const [second] = await claimDeliveries(db, [{ deliveryId: DELIVERY, attempt: 0 }], timings);
    expect(second?.claimToken).toEqual(expect.any(String));
    expect(second?.claimToken).not.toBe(first?.claimToken);

    // The stalled worker's late record is discarded; the live claim's record counts.
    expect(await recordAttempts(db, [recordOf(first as ClaimedDelivery, 500)])).toEqual([false]);
    expect(await recordAttempts(db, [recordOf(second as ClaimedDelivery, 200)])).toEqual([true]);
    const attempts = await db.rows<{ number: number; status_code: number }>(
      sql`select number, status_code from delivery_attempts where delivery_id = ${DELIVERY}`,
    );
    expect(attempts).toEqual([{ number: 1, status_code: 200 }]);
    const [delivery] = await db.rows<{
      status: string;
      claim_token: string | null;
      lease_until: string | null;
    }>(sql`select status, claim_token, lease_until from deliveries where id = ${DELIVERY}`);
    expect(delivery).toEqual({ status: 'succeeded', claim_token: null, lease_until: null });
  });
});
