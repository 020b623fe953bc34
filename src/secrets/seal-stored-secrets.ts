// Start-up data migration: SQL cannot know the key, so subscriber secrets still in plaintext (rows
// written before encryption existed) or sealed under ENCRYPTION_KEY_PREVIOUS are (re)sealed here
// under the current key. Idempotent: each row is updated only if it still holds what was read.
import type { DbHandle } from '../db/client';
import type { SecretBox } from './secret-box';

interface SecretRow extends Record<string, unknown> {
  id: string;
  secret: string;
  previous_secret: string | null;
}

const SELECT_UNSEALED = `
  select id, secret, previous_secret from subscribers
  where secret not like $1 or (previous_secret is not null and previous_secret not like $1)`;

const RESEAL = `
  update subscribers set secret = $2, previous_secret = $3
  where id = $1 and secret = $4 and previous_secret is not distinct from $5`;

/** Returns how many subscribers were (re)sealed. */
export async function sealStoredSecrets(handle: DbHandle, box: SecretBox): Promise<number> {
  const current = `enc:v1:${box.currentKeyId}:%`;
  const rows = await handle.query<SecretRow>(SELECT_UNSEALED, [current]);
  let sealed = 0;
  for (const row of rows) {
    const secret = box.seal(box.open(row.secret));
    const previous = row.previous_secret === null ? null : box.seal(box.open(row.previous_secret));
    await handle.query(RESEAL, [row.id, secret, previous, row.secret, row.previous_secret]);
    sealed++;
  }
  return sealed;
}
