import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface ResolvedToken {
  token: string;
  /** True when this start generated it (it is printed once). */
  generated: boolean;
}

/** ADMIN_TOKEN, else the one kept under DATA_DIR, else a new one written there (mode 600). */
export function resolveAdminToken(configured: string | null, dataDir: string): ResolvedToken {
  if (configured) return { token: configured, generated: false };
  const file = path.resolve(dataDir, 'admin-token');
  try {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= 16) return { token: stored, generated: false };
  } catch {
    // no token kept yet
  }
  const token = `adm_${randomBytes(24).toString('base64url')}`;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, generated: true };
}
