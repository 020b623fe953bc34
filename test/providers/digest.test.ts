import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../providers/digest';

describe('sha256Hex', () => {
  it('hashes strings as UTF-8 and buffers as their bytes, as createHash does', () => {
    const reference = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
    for (const text of ['', 'abc', '3Åsa9Lindqvist', '\u20ac \u{1f4b3}']) {
      expect(sha256Hex(text)).toBe(reference(Buffer.from(text, 'utf8')));
    }
    const latin1 = Buffer.from('name=Jos\u00e9', 'latin1');
    expect(sha256Hex(latin1)).toBe(reference(latin1));
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
