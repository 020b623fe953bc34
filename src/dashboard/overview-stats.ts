// Counts for the overview. Ids are time-ordered ULIDs, so "created in the last 24 h" is a range
// on the primary key: cheap enough to run on every auto-refresh.
import { sql } from 'drizzle-orm';
import { encodeTime } from 'ulid';
import type { DbHandle } from '../db/client';
import type { IdPrefix } from '../ids';

export const WINDOW_HOURS = 24;

export interface ProviderStats {
  provider: string;
  received: number;
  verified: number;
  rejected: number;
  duplicates: number;
  pendingVerification: number;
  delivered: number;
  failed: number;
  retrying: number;
}

export type StatsTotals = Omit<ProviderStats, 'provider'>;

/** The smallest id of the given kind created at or after `since`. */
function firstIdSince(prefix: IdPrefix, since: Date): string {
  return `${prefix}_${encodeTime(since.getTime(), 10)}${'0'.repeat(16)}`;
}

type CountRow = Record<string, string | number | null> & { provider: string };

const messageCounts = (handle: DbHandle, since: Date) =>
  handle.rows<CountRow>(sql`
    select provider,
           count(*) as received,
           count(*) filter (where status = 'verified') as verified,
           count(*) filter (where status in ('rejected', 'invalid')) as rejected,
           count(*) filter (where status = 'duplicate') as duplicates,
           count(*) filter (where status = 'pending') as pending_verification
    from inbound_messages
    where id >= ${firstIdSince('msg', since)}
    group by provider`);

// Delivered: deliveries made in the window that succeeded. Failing and retrying: now, whatever age.
const deliveryCounts = (handle: DbHandle, since: Date) => {
  const firstId = firstIdSince('dlv', since);
  return handle.rows<CountRow>(sql`
    select e.provider,
           count(*) filter (where d.id >= ${firstId} and d.status = 'succeeded') as delivered,
           count(*) filter (where d.status = 'failed') as failed,
           count(*) filter (where d.status = 'pending' and d.attempt_count > 0) as retrying
    from deliveries d
    join events e on e.id = d.event_id
    where d.id >= ${firstId} or d.status <> 'succeeded'
    group by e.provider`);
};

const EMPTY: StatsTotals = {
  received: 0,
  verified: 0,
  rejected: 0,
  duplicates: 0,
  pendingVerification: 0,
  delivered: 0,
  failed: 0,
  retrying: 0,
};

/** One row per provider (every known one, even when quiet), in `providerIds` order. */
export async function overviewStats(
  handle: DbHandle,
  providerIds: readonly string[],
  now = new Date(),
): Promise<ProviderStats[]> {
  const since = new Date(now.getTime() - WINDOW_HOURS * 3600_000);
  const [messages, deliveries] = await Promise.all([
    messageCounts(handle, since),
    deliveryCounts(handle, since),
  ]);
  const providers = [
    ...new Set([
      ...providerIds,
      ...messages.map((row) => row.provider),
      ...deliveries.map((row) => row.provider),
    ]),
  ];
  return providers.map((provider) => {
    const m = messages.find((row) => row.provider === provider);
    const d = deliveries.find((row) => row.provider === provider);
    return {
      provider,
      received: Number(m?.received ?? 0),
      verified: Number(m?.verified ?? 0),
      rejected: Number(m?.rejected ?? 0),
      duplicates: Number(m?.duplicates ?? 0),
      pendingVerification: Number(m?.pending_verification ?? 0),
      delivered: Number(d?.delivered ?? 0),
      failed: Number(d?.failed ?? 0),
      retrying: Number(d?.retrying ?? 0),
    };
  });
}

export function totalsOf(rows: ProviderStats[]): StatsTotals {
  return rows.reduce<StatsTotals>(
    (sum, row) => ({
      received: sum.received + row.received,
      verified: sum.verified + row.verified,
      rejected: sum.rejected + row.rejected,
      duplicates: sum.duplicates + row.duplicates,
      pendingVerification: sum.pendingVerification + row.pendingVerification,
      delivered: sum.delivered + row.delivered,
      failed: sum.failed + row.failed,
      retrying: sum.retrying + row.retrying,
    }),
    EMPTY,
  );
}
