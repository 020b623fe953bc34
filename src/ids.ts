import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulid';

// ulid's default generator makes one crypto call per random character; drawing from a pooled
// buffer keeps id generation off the ingest path's profile.
const POOL_BYTES = 4096;
let pool = randomBytes(POOL_BYTES);
let offset = 0;

function pooledRandom(): number {
  if (offset >= POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  return (pool[offset++] as number) / 256;
}

// Monotonic ULIDs sort by creation time, which is what newest-first cursors page on.
const nextUlid = monotonicFactory(pooledRandom);

export type IdPrefix = 'evt' | 'msg' | 'sub' | 'dlv' | 'alr';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${nextUlid()}`;
}
