// Start-up data migration: SQL cannot know the key, so subscriber secrets still in plaintext (rows
// written before encryption existed) or sealed under ENCRYPTION_KEY_PREVIOUS are (re)sealed here
// under the current key. Idempotent: each row is updated only if it still holds what was read.
import type { DbHandle } from '../db/client';
import { type SecretBox, SecretDecryptError } from './secret-box';

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

export interface SealReport {
  /** Subscribers (re)sealed under the current key. */
  sealed: number;
  /** Subscribers sealed under a key this process does not have (left as they are). */
  unreadable: string[];
}

export async function sealStoredSecrets(handle: DbHandle, box: SecretBox): Promise<SealReport> {
  const current = `enc:v1:${box.currentKeyId}:%`;
  const rows = await handle.query<SecretRow>(SELECT_UNSEALED, [current]);
  const report: SealReport = { sealed: 0, unreadable: [] };
  for (const row of rows) {
    let secret: string;
    let previous: string | null;
    try {
      secret = box.seal(box.open(row.secret));
      previous = row.previous_secret === null ? null : box.seal(box.open(row.previous_secret));
    } catch (error) {
      if (!(error instanceof SecretDecryptError)) throw error;
      report.unreadable.push(row.id);
      continue;
    }
    await handle.query(RESEAL, [row.id, secret, previous, row.secret, row.previous_secret]);
    report.sealed++;
  }
  return report;
}
