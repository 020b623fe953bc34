import { monotonicFactory } from 'ulid';

// Monotonic ULIDs sort by creation time, which is what newest-first cursors page on.
const nextUlid = monotonicFactory();

export type IdPrefix = 'evt' | 'msg' | 'sub' | 'dlv';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${nextUlid()}`;
}
