// Looks for strings in every text, bytea, jsonb and array column of every table of a database:
// "is this value stored anywhere?" without knowing the schema.
import { sql } from 'drizzle-orm';
import type { DbHandle } from '../../src/db/client';

interface Column extends Record<string, unknown> {
  table_name: string;
  column_name: string;
  data_type: string;
}

export interface Hit {
  table: string;
  column: string;
  count: number;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Every column holding one of `needles` (compared lower-case, bytea read as escaped text). */
export async function searchEveryColumn(db: DbHandle, needles: string[]): Promise<Hit[]> {
  const columns = await db.rows<Column>(sql`
    select table_name, column_name, data_type from information_schema.columns
    where table_schema = 'public' and data_type in ('text', 'bytea', 'jsonb', 'json', 'ARRAY', 'character varying')`);
  const hits: Hit[] = [];
  const patterns = needles.map((needle) => `%${needle.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  for (const column of columns) {
    const name = quote(column.column_name);
    const asText = column.data_type === 'bytea' ? `encode(${name}, 'escape')` : `${name}::text`;
    const [row] = await db.rows<{ n: number }>(
      sql.raw(
        `select count(*)::int as n from ${quote(column.table_name)} where lower(${asText}) like any(array[${patterns
          .map((pattern) => `'${pattern.replace(/'/g, "''")}'`)
          .join(',')}])`,
      ),
    );
    if ((row?.n ?? 0) > 0)
      hits.push({ table: column.table_name, column: column.column_name, count: row?.n ?? 0 });
  }
  return hits;
}
