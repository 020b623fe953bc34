// The large text values of a batch (event bodies, base64 raw bodies) go beside its JSON, one text
// parameter per column: PostgreSQL 15 reads JSON strings a character at a time, and these values
// were most of a batch's bytes (JSON input was about a third of the ingest statement's CPU).
// Each value follows a U+001E separator, which none of them can hold: JSON text escapes control
// characters, base64 has none. The leading separator keeps a lone empty value an element.
const SEPARATOR = '\u001e';

/** One parameter holding `values` in order; read back with `unpackedColumn`. */
export function packColumn(values: readonly string[]): string {
  for (const value of values) {
    if (value.includes(SEPARATOR)) throw new Error('a packed value contains U+001E');
  }
  return SEPARATOR + values.join(SEPARATOR);
}

/**
 * SQL for the text[] of a packed parameter. Unnested `with ordinality`, the value of input row
 * `ord` (from 0) is at position ord + 2. (Subscripting the array per row instead made the
 * planner split the whole parameter again for every row.)
 */
export function unpackedColumn(parameter: string): string {
  return `string_to_array(${parameter}::text, E'\\x1e')`;
}
