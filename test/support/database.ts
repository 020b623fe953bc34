import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { type DbHandle, openPostgres } from '../../src/db/client';
import { databaseUrl, dropDatabase, withAdmin } from './pg-admin';

export interface TestDatabase {
  name: string;
  url: string;
  handle: DbHandle;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own, cloned from the run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `ipn_test_${randomBytes(6).toString('hex')}`;
  const template = inject('templateDatabase');
  await withAdmin((sql) => sql.unsafe(`create database ${name} template ${template}`));
  const url = databaseUrl(name);
  const handle = openPostgres({ url });
  return {
    name,
    url,
    handle,
    async drop() {
      await handle.close();
      await dropDatabase(name);
    },
  };
}
