import { describe, expect, it } from 'vitest';
import { emailDigest, emailLikePatterns, emailRegExp } from '../../src/lifecycle/email-patterns';
import { erasedEventBody } from '../../src/lifecycle/erasure';
import { idCutoff } from '../../src/lifecycle/retention';
import { SecretBox, SecretDecryptError } from '../../src/secrets/secret-box';

/** SQL LIKE (with backslash escapes) as a regular expression, to check the patterns offline. */
function like(pattern: string, text: string): boolean {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index] as string;
    if (char === '\\') source += (pattern[++index] as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (char === '%') source += '[\\s\\S]*';
    else if (char === '_') source += '[\\s\\S]';
    else source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`).test(text);
}

const matches = (email: string, text: string) =>
  emailLikePatterns(email).some((pattern) => like(pattern, text.toLowerCase()));

describe('erasure matching', () => {
  it('finds the address as a whole form value or JSON string, plain or percent-encoded, any case', () => {
    expect(matches('A.B+x@Example.com', 'txn_id=1&payer_email=a.b%2Bx%40example.com&x=1')).toBe(true);
    expect(matches('a.b+x@example.com', 'CUSTOMEREMAIL=a.b%2bx@example.com')).toBe(true);
    expect(matches('a@example.com', '{"data":{"customer":{"email":"A@EXAMPLE.COM"}}}')).toBe(true);
  });

  it('does not match another address that contains it', () => {
    expect(matches('a@example.com', 'payer_email=ba%40example.com&x=1')).toBe(false);
    expect(matches('a@example.com', '{"email":"a@example.com.evil"}')).toBe(false);
    expect(matches('a_b@example.com', 'payer_email=axb%40example.com')).toBe(false); // _ is literal
  });

  it('replaces the address in free text and hashes it for logs', () => {
    expect('receiver A@Example.com not allowed'.replace(emailRegExp('a@example.com'), '[erased]')).toBe(
      'receiver [erased] not allowed',
    );
    expect(emailDigest(' A@Example.com ')).toBe(emailDigest('a@example.com'));
    expect(emailDigest('a@example.com')).toMatch(/^sha256:[0-9a-f]{16}$/);
  });

  it('an erased event keeps everything but the customer and raw fields, in the same key order', () => {
    const body = JSON.stringify({
      id: 'evt_1',
      type: 'payment.completed',
      data: { amount: '10.00', customer: { email: 'a@b.c', first_name: 'A', last_name: 'B', country: 'FR' } },
      raw: { payer_email: 'a@b.c' },
    });
    expect(JSON.parse(erasedEventBody(body))).toEqual({
      id: 'evt_1',
      type: 'payment.completed',
      data: { amount: '10.00', customer: { email: null, first_name: null, last_name: null, country: null } },
      raw: {},
    });
    expect(Object.keys(JSON.parse(erasedEventBody(body)))).toEqual(['id', 'type', 'data', 'raw']);
  });
});

describe('retention cut-off ids', () => {
  it('sort older ids below and newer ids above', () => {
    const cut = idCutoff('msg', new Date('2026-01-01T00:00:00Z'));
    expect(idCutoff('msg', new Date('2025-12-31T23:59:59Z')) < cut).toBe(true);
    expect(`${idCutoff('msg', new Date('2026-01-01T00:00:00.001Z'))}0000000000000000` > cut).toBe(true);
    expect(cut.startsWith('msg_')).toBe(true);
  });
});

describe('SecretBox', () => {
  const key = Buffer.alloc(32, 1);
  it('seals with a fresh IV each time and opens what it sealed', () => {
    const box = new SecretBox(key);
    const first = box.seal('whsec_abc');
    const second = box.seal('whsec_abc');
    expect(first).not.toBe(second);
    expect(first).toMatch(new RegExp(`^enc:v1:${box.currentKeyId}:`));
    expect(box.open(first)).toBe('whsec_abc');
    expect(box.open('whsec_plain')).toBe('whsec_plain'); // not yet sealed
    expect(box.needsResealing('whsec_plain')).toBe(true);
    expect(box.needsResealing(first)).toBe(false);
  });

  it('refuses a tampered value and a value sealed with an unknown key', () => {
    const box = new SecretBox(key);
    const sealed = box.seal('whsec_abc');
    const tampered = `${sealed.slice(0, -2)}${sealed.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(() => box.open(tampered)).toThrow(SecretDecryptError);
    expect(() => new SecretBox(Buffer.alloc(32, 2)).open(sealed)).toThrow(/ENCRYPTION_KEY/);
    expect(new SecretBox(Buffer.alloc(32, 2), [key]).open(sealed)).toBe('whsec_abc');
  });
});
