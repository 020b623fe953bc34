// What the backlog gauges read: the oldest pending delivery of each subscriber and the oldest
// message waiting for an out-of-band check's verdict. Both go through partial indexes on pending rows.
import { sql } from 'drizzle-orm';
import type { DbHandle } from '../db/client';
import type { BacklogAges } from './metrics';

export async function backlogAges(db: DbHandle): Promise<BacklogAges> {
  const deliveries = await db.rows<{ subscriber_id: string; age: number }>(sql`
    select subscriber_id, extract(epoch from now() - min(created_at))::float8 as age
    from deliveries where status = 'pending' group by subscriber_id`);
  const [verification] = await db.rows<{ age: number | null }>(sql`
    select extract(epoch from now() - min(received_at))::float8 as age
    from inbound_messages where status = 'pending'`);
  return {
    deliveries: deliveries.map((row) => ({ subscriberId: row.subscriber_id, ageSeconds: Number(row.age) })),
    verificationSeconds:
      verification?.age === null || verification?.age === undefined ? null : Number(verification.age),
  };
}
