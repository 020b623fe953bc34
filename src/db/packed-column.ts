// The large text values of a batch (event bodies, base64 raw bodies) go beside its JSON, one text
// parameter per column: PostgreSQL 15 reads JSON strings a character at a time, and these values
// were most of a batch's bytes (JSON input was about a third of the ingest statement's CPU).
// Each value follows a U+001E separator, which none of them can hold: JSON text escapes control
// characters, base64 has none. The leading separator keeps a lone empty value an element.
const SEPARATOR = '\u001e';

/** One parameter holding `values` in order; read back with `joinPacked`. */
export function packColumn(values: readonly string[]): string {
  for (const value of values) {
    if (value.includes(SEPARATOR)) throw new Error('a packed value contains U+001E');
  }
  return SEPARATOR + values.join(SEPARATOR);
}

/**
 * SQL joining rows numbered by `ord` (from 0, in packing order) to their values in packed
 * parameters, as columns of `alias`: `{ body: '$5' }` gives `alias.body`. The parameters are
 * unnested together `with ordinality` (subscripting the arrays per row instead made the planner
 * split the whole parameter again for every row); the leading separator's empty element is never
 * joined.
 */
export function joinPacked(alias: string, ord: string, columns: Record<string, string>): string {
  const arrays = Object.values(columns).map((parameter) => `string_to_array(${parameter}::text, E'\x1e')`);
  const names = [...Object.keys(columns), 'position'];
  return `join unnest(${arrays.join(', ')}) with ordinality as ${alias}(${names.join(', ')})
      on ${alias}.position = ${ord} + 2`;
}
