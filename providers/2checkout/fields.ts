// Read access to PHP-style grouped fields. 2Checkout decides which fields it sends, so every
// lookup tolerates a missing field and a scalar where an array was expected (and vice versa).

export type GroupedFields = Array<[string, string | string[]]>;

export function fieldMap(fields: GroupedFields): Map<string, string | string[]> {
  return new Map(fields);
}

/** A scalar field; for an array, its first element. */
export function scalar(fields: Map<string, string | string[]>, name: string): string | undefined {
  const value = fields.get(name);
  return Array.isArray(value) ? value[0] : value;
}

/** An array field; a scalar counts as a one-element list. */
export function list(fields: Map<string, string | string[]>, name: string): string[] {
  const value = fields.get(name);
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Empty and missing both mean "no value" in the shared event. */
export function orNull(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}
