// Samples how many of a server's PostgreSQL connections (by application_name) are running a statement, to tell a
// saturated connection pool (always 10 of 10 busy) from slow statements.
import type postgres from 'postgres';

export interface PoolSampler {
  /** Average and peak number of active gateway connections while sampled. */
  stop(): { averageActive: number; peakActive: number; connections: number };
}

export function samplePool(
  sql: postgres.Sql,
  database: string,
  applicationName = 'ipn-gateway',
  intervalMs = 100,
): PoolSampler {
  let samples = 0;
  let activeSum = 0;
  let peakActive = 0;
  let connections = 0;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    sql<{ active: number; total: number }[]>`
      select count(*) filter (where state = 'active')::int as active, count(*)::int as total
      from pg_stat_activity where datname = ${database} and application_name = ${applicationName}`
      .then(([row]) => {
        samples++;
        activeSum += row?.active ?? 0;
        peakActive = Math.max(peakActive, row?.active ?? 0);
        connections = Math.max(connections, row?.total ?? 0);
      })
      .catch(() => {})
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return { averageActive: samples ? activeSum / samples : Number.NaN, peakActive, connections };
    },
  };
}
