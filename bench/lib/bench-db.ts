// Fresh PostgreSQL databases for one bench run each, migrated like the gateway's, always dropped.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openPostgres } from '../../src/db/client';
import { newId } from '../../src/ids';
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

export async function createBenchDatabase(options: { migrate: boolean }): Promise<BenchDatabase> {
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
  if (options.migrate) {
    const handle = openPostgres({ url: url.toString(), maxConnections: 1 });
    try {
      await handle.migrate();
    } finally {
      await handle.close();
    }
  }
  return { name, url: url.toString(), sql, drop };
}

/** Enabled subscribers for every event type and provider, one per URL. */
export async function insertSubscribers(db: BenchDatabase, urls: string[]): Promise<void> {
  for (const url of urls) {
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    await db.sql`insert into subscribers (id, url, secret) values (${newId('sub')}, ${url}, ${secret})`;
  }
}
