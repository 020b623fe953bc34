// Newest-first keyset pages. Ids are time-ordered ULIDs, so "older than the last id seen" is the
// next page; the cursor is that id, base64url-encoded to keep it opaque.
export interface PageRequest {
  limit: number;
  /** Decoded cursor: the last id of the previous page. */
  afterId?: string | undefined;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

const ID_PATTERN = /^[a-z]+_[0-9A-Za-z]{1,64}$/;

export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

/** The id inside a cursor, or null when the cursor was not made by encodeCursor. */
export function decodeCursor(cursor: string): string | null {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  return ID_PATTERN.test(id) ? id : null;
}

/** `rows` were fetched with `limit + 1`: the extra row only tells that another page exists. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  idOf: (row: Row) => string,
  toItem: (row: Row) => Item,
): Page<Item> {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  return {
    data: pageRows.map(toItem),
    next_cursor: rows.length > limit && last !== undefined ? encodeCursor(idOf(last)) : null,
  };
}
