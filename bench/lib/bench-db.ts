// Fresh, empty PostgreSQL databases, one per measured run, always dropped. The gateway migrates
// its own at start-up.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { onCleanup } from './cleanup';

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  name: string;
  url: string;
  /** A small postgres.js client for setup and checks. */
  sql: postgres.Sql;
  drop(): Promise<void>;
}

async function withAdmin(work: (sql: postgres.Sql) => Promise<unknown>): Promise<void> {
  const sql = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `ipn_bench_${randomBytes(6).toString('hex')}`;
  await withAdmin((sql) => sql.unsafe(`create database ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const sql = postgres(url.toString(), {
    max: 2,
    onnotice: () => {},
    connection: { application_name: 'ipn-bench' },
  });
  const drop = onCleanup(`drop database ${name}`, async () => {
    await sql.end({ timeout: 5 });
    await withAdmin((admin) => admin.unsafe(`drop database if exists ${name} with (force)`));
  });
  return { name, url: url.toString(), sql, drop };
}
