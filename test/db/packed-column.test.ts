// Packed columns: a batch's large text values travel as one parameter and come back in order,
// whatever they hold, as long as they cannot hold the separator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinPacked, packColumn } from '../../src/db/packed-column';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('packed columns', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  const unpack = async (values: string[]) => {
    // Rows numbered from 0, as the batches number their JSON rows.
    const rows = await database.handle.query<{ value: string }>(
      `select p.value from generate_series(0, $2::int - 1) as t(ord)
       ${joinPacked('p', 't.ord', { value: '$1' })}
       order by t.ord`,
      [packColumn(values), values.length],
    );
    return rows.map((row) => row.value);
  };

  it('gives back every value in order, including JSON with quotes, backslashes and non-ASCII text', async () => {
    const values = [
      JSON.stringify({ name: 'Åsa "quoted"', path: 'C:\\dir', tab: '\t', nul: '\u0000' }),
      'aGVsbG8=',
      '',
      '{}',
    ];
    await expect(unpack(values)).resolves.toEqual(values);
  });

  it('keeps a lone empty value as one element', async () => {
    await expect(unpack([''])).resolves.toEqual(['']);
  });

  it('refuses a value holding the separator instead of shifting every later row', () => {
    expect(() => packColumn(['ok', 'bad\u001evalue'])).toThrow(/U\+001E/);
    // JSON text never holds it raw: JSON.stringify escapes control characters.
    expect(JSON.stringify({ value: '\u001e' })).not.toContain('\u001e');
  });
});
