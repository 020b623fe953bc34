// Migrates one template database per run; each test file clones it (CREATE DATABASE ... TEMPLATE),
// so every file gets its own isolated, already-migrated database in a few milliseconds.
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { openPostgres } from '../../src/db/client';
import { adminUrl, databaseUrl, dropDatabase } from './pg-admin';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject) {
  const admin = adminUrl();
  const template = `ipn_test_tpl_${randomBytes(4).toString('hex')}`;
  const { default: postgres } = await import('postgres');
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  await sql.unsafe(`create database ${template}`);
  const handle = openPostgres({ url: databaseUrl(template) });
  await handle.migrate();
  await handle.close();
  await sql.end();
  project.provide('templateDatabase', template);
  return async () => {
    await dropDatabase(template);
  };
}
