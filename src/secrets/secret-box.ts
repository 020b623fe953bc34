// Subscriber signing secrets at rest: AES-256-GCM under ENCRYPTION_KEY. A stored value reads
// `enc:v1:<key id>:<base64url of iv | tag | ciphertext>`; the key id (a hash prefix of the key)
// says which key sealed it, so a rotation can tell old rows from new ones.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const CACHE_LIMIT = 1_000;

export class SecretDecryptError extends Error {}

export function keyId(key: Buffer): string {
  return createHash('sha256').update('ipn-gateway secret key id').update(key).digest('hex').slice(0, 8);
}

export const isSealed = (stored: string) => stored.startsWith(PREFIX);

/** The key id a stored value was sealed with; null for a plaintext (not yet migrated) value. */
export function sealedKeyId(stored: string): string | null {
  if (!isSealed(stored)) return null;
  return stored.slice(PREFIX.length).split(':', 1)[0] ?? null;
}

export class SecretBox {
  readonly currentKeyId: string;
  private readonly keys = new Map<string, Buffer>();
  // Stored text → plaintext. Every seal uses a fresh IV, so a changed secret is a new entry:
  // decrypting happens once per subscriber change, not once per delivery.
  private readonly opened = new Map<string, string>();

  constructor(
    private readonly key: Buffer,
    previousKeys: Buffer[] = [],
  ) {
    if (key.length !== 32) throw new Error('the encryption key must be 32 bytes');
    this.currentKeyId = keyId(key);
    this.keys.set(this.currentKeyId, key);
    for (const previous of previousKeys) this.keys.set(keyId(previous), previous);
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    return `${PREFIX}${this.currentKeyId}:${sealed}`;
  }

  /** The plaintext of a stored value; a value stored before encryption existed is returned as is. */
  open(stored: string): string {
    if (!isSealed(stored)) return stored;
    const cached = this.opened.get(stored);
    if (cached !== undefined) return cached;
    const [id = '', payload = ''] = stored.slice(PREFIX.length).split(':');
    const key = this.keys.get(id);
    if (!key) {
      throw new SecretDecryptError(
        `a subscriber secret was sealed with key ${id}, which is neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS`,
      );
    }
    const bytes = Buffer.from(payload, 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const plaintext = Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
      if (this.opened.size >= CACHE_LIMIT) this.opened.clear();
      this.opened.set(stored, plaintext);
      return plaintext;
    } catch {
      throw new SecretDecryptError(`a subscriber secret sealed with key ${id} failed its integrity check`);
    }
  }

  /** A stored value that is plaintext or sealed under an older key. */
  needsResealing(stored: string): boolean {
    return sealedKeyId(stored) !== this.currentKeyId;
  }
}
