// drizzle's migrations for a PostgreSQL server, applied in ONE transaction that first takes a
// transaction-scoped advisory lock. Concurrent starters take turns, and nothing depends on the
// session: through a transaction-pooling PgBouncer a session lock (pg_advisory_lock) could be taken
// on one server connection and never released on another. Same bookkeeping table and hashes as
// drizzle-kit's migrator, so databases migrated either way agree.
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type postgres from 'postgres';

const SCHEMA = 'drizzle';
const TABLE = '__drizzle_migrations';

export async function migrateInOneTransaction(
  client: postgres.Sql,
  migrationsFolder: string,
  lockId: number,
): Promise<number> {
  const migrations = readMigrationFiles({ migrationsFolder });
  let applied = 0;
  await client.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${lockId})`;
    await tx.unsafe(`create schema if not exists ${SCHEMA}`);
    await tx.unsafe(
      `create table if not exists ${SCHEMA}.${TABLE} (id serial primary key, hash text not null, created_at bigint)`,
    );
    const [last] = await tx.unsafe<{ created_at: string }[]>(
      `select created_at from ${SCHEMA}.${TABLE} order by created_at desc limit 1`,
    );
    for (const migration of migrations) {
      // drizzle's rule: a migration is new when it is younger than the newest one recorded.
      if (last && Number(last.created_at) >= migration.folderMillis) continue;
      for (const statement of migration.sql) {
        if (statement.trim()) await tx.unsafe(statement);
      }
      await tx.unsafe(`insert into ${SCHEMA}.${TABLE} (hash, created_at) values ($1, $2)`, [
        migration.hash,
        migration.folderMillis,
      ]);
      applied++;
    }
  });
  return applied;
}
