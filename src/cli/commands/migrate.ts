// `migrate`: bring the database schema up to date, with the server's own configuration rules.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { sql } from 'drizzle-orm';
import { ConfigError, loadConfig } from '../../config/config';
import { type DbHandle, openPglite, openPostgres } from '../../db/client';
import { CliError, describeError, EXIT_USAGE } from '../cli-error';
import { examples } from '../output/help';
import { printLine } from '../output/print';

async function appliedMigrations(db: DbHandle): Promise<number> {
  const [table] = await db.rows<{ name: string | null }>(
    sql`select to_regclass('drizzle.__drizzle_migrations')::text as name`,
  );
  if (!table?.name) return 0;
  const [row] = await db.rows<{ count: number }>(
    sql`select count(*)::int as count from drizzle.__drizzle_migrations`,
  );
  return row?.count ?? 0;
}

async function publicTables(db: DbHandle): Promise<string[]> {
  const rows = await db.rows<{ name: string }>(
    sql`select table_name as name from information_schema.tables where table_schema = 'public' order by 1`,
  );
  return rows.map((row) => row.name);
}

/** The URL without its password, for printing. */
function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description(
      'run the database migrations (DATABASE_URL, else embedded PGlite under DATA_DIR), as npm start does',
    )
    .addHelpText(
      'after',
      examples(
        'DATABASE_URL=postgres://ipn:secret@db.internal:5432/ipn ipn-gateway migrate',
        'DATA_DIR=./data ipn-gateway migrate',
      ),
    )
    .action(async () => {
      // Same rules as the server: a .env file may fill in, the environment wins.
      if (existsSync('.env')) process.loadEnvFile('.env');
      let config: ReturnType<typeof loadConfig>;
      try {
        config = loadConfig(process.env);
      } catch (error) {
        if (error instanceof ConfigError)
          throw new CliError(`invalid configuration: ${error.problems.join('; ')}`, EXIT_USAGE);
        throw error;
      }
      const target = config.databaseUrl
        ? `PostgreSQL ${redacted(config.databaseUrl)}`
        : `embedded PGlite under ${config.dataDir}`;
      let db: DbHandle | undefined;
      try {
        db = config.databaseUrl
          ? openPostgres({
              url: config.databaseUrl,
              maxConnections: 1,
              preparedStatements: config.databasePreparedStatements,
            })
          : await openPglite(config.dataDir);
        const before = await appliedMigrations(db);
        await db.migrate();
        const after = await appliedMigrations(db);
        const tables = await publicTables(db);
        const applied = after - before;
        printLine(
          applied > 0
            ? `applied ${applied} migration${applied === 1 ? '' : 's'} to ${target}`
            : `${target} was already up to date`,
        );
        printLine(`  ${after} migration${after === 1 ? '' : 's'} in total; tables: ${tables.join(', ')}`);
      } catch (error) {
        if (error instanceof CliError) throw error;
        throw new CliError(`migration of ${target} failed: ${describeError(error)}`);
      } finally {
        await db?.close();
      }
    });
}
