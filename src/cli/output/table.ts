// Plain-text tables for a terminal: a header row, columns padded to their widest cell.

export interface Column<T> {
  header: string;
  value(row: T): string | number | boolean | null | undefined;
  /** Cells longer than this are cut with an ellipsis (URLs, errors). */
  maxWidth?: number;
}

function cell<T>(column: Column<T>, row: T): string {
  const raw = column.value(row);
  const text = raw === null || raw === undefined || raw === '' ? '-' : String(raw).replace(/\s+/g, ' ');
  const max = column.maxWidth;
  return max !== undefined && text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const cells = rows.map((row) => columns.map((column) => cell(column, row)));
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...cells.map((line) => (line[index] as string).length)),
  );
  const format = (line: readonly string[]) =>
    line
      .map((text, index) => (index === line.length - 1 ? text : text.padEnd(widths[index] as number)))
      .join('  ');
  return [format(columns.map((column) => column.header)), ...cells.map(format)].join('\n');
}

/** `2026-11-21T12:00:00.000Z` → `2026-11-21 12:00:00Z`: shorter, still UTC. */
export function shortTime(iso: string | null | undefined): string | null {
  if (!iso) return null;
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
