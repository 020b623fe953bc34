import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseEncryptionKey } from '../config/encryption-key';

export interface ResolvedKey {
  key: Buffer;
  /** True when this start generated it. */
  generated: boolean;
  /** Where it is kept, when it came from DATA_DIR. */
  file: string | null;
}

/** ENCRYPTION_KEY, else the one kept under DATA_DIR, else a new one written there (mode 600). */
export function resolveEncryptionKey(configured: Buffer | null, dataDir: string): ResolvedKey {
  if (configured) return { key: configured, generated: false, file: null };
  const file = path.resolve(dataDir, 'encryption-key');
  try {
    const stored = parseEncryptionKey(readFileSync(file, 'utf8'));
    if (stored) return { key: stored, generated: false, file };
  } catch {
    // no key kept yet
  }
  const key = randomBytes(32);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600 });
  return { key, generated: true, file };
}
