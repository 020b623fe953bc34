// One database handle for both back ends: a PostgreSQL server through postgres.js, or embedded
// PGlite under DATA_DIR when no DATABASE_URL is configured. Same schema, same migrations.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { SQL } from 'drizzle-orm';
import { type PgDatabase, PgDialect, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { PROJECT_ROOT } from '../project-root';
import { migrateInOneTransaction } from './migrate-postgres';
import * as schema from './schema';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface QueryOptions {
  timeoutMs?: number;
  /**
   * For statements that only look rows up by index while joining a parameter set to tables that
   * grow (the delivery claim, record and wake; deferred ingest and verdicts). A prepared
   * statement's cached generic plan made while those tables were small (a fresh database, or no
   * ANALYZE yet) can scan the whole table on every later call. These statements run on
   * connections where the planner may not choose a sequential scan, so the cached plan stays
   * right as the tables grow, in one round trip.
   * Without prepared statements (PgBouncer) they are planned for each call instead.
   */
  indexLookups?: boolean;
}

/** The options of a statement that must run as index lookups (see QueryOptions.indexLookups). */
export const INDEX_LOOKUPS = { indexLookups: true } as const;

export class QueryTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`database did not answer within ${timeoutMs} ms`);
  }
}

const dialect = new PgDialect();

function withTimeout<T>(
  promise: Promise<T>,
  timeoutMs: number | undefined,
  onTimeout: () => void,
): Promise<T> {
  if (!timeoutMs) return promise;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new QueryTimeoutError(timeoutMs));
    }, timeoutMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

export interface DbHandle {
  db: Database;
  kind: 'postgres' | 'pglite';
  /**
   * Runs raw SQL and returns its rows, whatever the driver's result shape. With `timeoutMs`, a
   * query still waiting for a connection by then is withdrawn and the promise rejects.
   */
  rows<T extends Record<string, unknown>>(query: SQL, options?: QueryOptions): Promise<T[]>;
  /** The same for a fixed statement with positional parameters: no SQL is built per call. */
  query<T extends Record<string, unknown>>(
    text: string,
    params: readonly unknown[],
    options?: QueryOptions,
  ): Promise<T[]>;
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = path.join(PROJECT_ROOT, 'drizzle');

// An arbitrary constant: concurrent starters of one database take turns migrating.
const MIGRATION_LOCK_ID = 727_274_611;

export interface PostgresOptions {
  url: string;
  maxConnections?: number;
  /** Seconds; kept short so an unreachable database becomes a fast 503, not a hung provider. */
  connectTimeoutSeconds?: number;
  /**
   * False for a transaction-pooling PgBouncer: the next statement may run on another server
   * connection, where a named prepared statement does not exist. Statements then go out unnamed
   * (parse, bind and execute in one round trip), which any pooler passes through.
   */
  preparedStatements?: boolean;
}

export function openPostgres(options: PostgresOptions): DbHandle {
  const prepare = options.preparedStatements ?? true;
  // JIT off: the gateway's statements are short, and compiling costs more than it saves. On the
  // lookup connections a disabled sequential scan's cost estimate passes jit_above_cost: postgres.js's
  // type query at connect took about 200 ms of compiling there, in the middle of the load.
  // Not through a pooler (no prepared statements): PgBouncer refuses startup parameters it does not
  // know, so there JIT stays as the server is configured.
  const session = prepare
    ? { application_name: 'ipn-gateway', jit: 'off' }
    : { application_name: 'ipn-gateway' };
  const shared = {
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    idle_timeout: 60,
    onnotice: () => {},
  };
  const client = postgres(options.url, {
    ...shared,
    max: options.maxConnections ?? 10,
    prepare, // also what drizzle's own queries get: postgres.js lets this setting win
    connection: session,
  });
  const db = drizzlePostgres(client, { schema }) as unknown as Database;
  // Opened on first use (by the first statement that asks for index lookups).
  let lookupClient: postgres.Sql | null = null;
  const lookups = () => {
    if (lookupClient) return lookupClient;
    lookupClient = postgres(options.url, {
      ...shared,
      max: LOOKUP_CONNECTIONS,
      prepare: true,
      connection: { ...session, enable_seqscan: 'off' },
    });
    // The same value handling as the main client (drizzle installs its own json and timestamp
    // serializers there): a JSON text parameter must not be encoded a second time.
    Object.assign(lookupClient.options.serializers, client.options.serializers);
    Object.assign(lookupClient.options.parsers, client.options.parsers);
    return lookupClient;
  };
  // Straight to postgres.js: a prepared statement, and a handle to withdraw it on timeout.
  async function query<T extends Record<string, unknown>>(
    text: string,
    params: readonly unknown[],
    options: QueryOptions = {},
  ): Promise<T[]> {
    const viaLookups = prepare && options.indexLookups === true;
    const pending = (viaLookups ? lookups() : client).unsafe(
      text,
      params as postgres.ParameterOrJSON<never>[],
      {
        prepare,
      },
    );
    const result = await withTimeout(
      pending.then((rows) => rows),
      options.timeoutMs,
      () => {
        void pending.cancel();
      },
    );
    return result as unknown as T[];
  }
  return {
    kind: 'postgres',
    db,
    query,
    rows(sqlQuery, options) {
      const compiled = dialect.sqlToQuery(sqlQuery);
      return query(compiled.sql, compiled.params, options);
    },
    async migrate() {
      const migrationClient = postgres(options.url, {
        max: 1,
        prepare,
        onnotice: () => {},
        connect_timeout: 10,
      });
      try {
        await migrateInOneTransaction(migrationClient, MIGRATIONS_FOLDER, MIGRATION_LOCK_ID);
      } finally {
        await migrationClient.end({ timeout: 5 });
      }
    },
    async ping() {
      await client`select 1`;
    },
    async close() {
      await Promise.all([client.end({ timeout: 5 }), lookupClient?.end({ timeout: 5 })]);
    },
  };
}

// Delivery claims, records and wakes keep at most two statements in flight each, verdicts and
// deferred ingest one (group commit).
const LOOKUP_CONNECTIONS = 8;

/** Embedded PostgreSQL (WASM) persisted under `dataDir`; loaded lazily, it is large. */
export async function openPglite(dataDir: string): Promise<DbHandle> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const directory = path.resolve(dataDir, 'pglite');
  mkdirSync(directory, { recursive: true });
  const client = await PGlite.create(directory);
  const pgliteDb = drizzle(client, { schema });
  const db = pgliteDb as unknown as Database;
  async function query<T extends Record<string, unknown>>(
    text: string,
    params: readonly unknown[],
    options: QueryOptions = {},
  ): Promise<T[]> {
    const result = await withTimeout(client.query<T>(text, params as unknown[]), options.timeoutMs, () => {});
    return result.rows;
  }
  return {
    kind: 'pglite',
    db,
    query,
    rows(sqlQuery, options) {
      const compiled = dialect.sqlToQuery(sqlQuery);
      return query(compiled.sql, compiled.params, options);
    },
    async migrate() {
      await migrate(pgliteDb, { migrationsFolder: MIGRATIONS_FOLDER });
    },
    async ping() {
      await client.query('select 1');
    },
    async close() {
      await client.close();
    },
  };
}
