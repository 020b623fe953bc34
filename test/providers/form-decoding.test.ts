// The fast paths of form reading (no copy for components without escapes, ASCII values read
// without iconv) give exactly what the general path gives.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeFields, parseForm, parseUtf8Form } from '../../providers/form';
import { Dice, hostileRequest, prng, seedCorpus } from '../support/fuzz';

function fields(body: string) {
  const parsed = parseForm(Buffer.from(body, 'latin1'));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.fields;
}

describe('form decoding', () => {
  it('reads plain and escaped components alike', () => {
    const parsed = fields('a=plain&b=with+space&c=%41%42&d=&e');
    expect(parsed.map((field) => [field.name, field.value.toString('latin1')])).toEqual([
      ['a', 'plain'],
      ['b', 'with space'],
      ['c', 'AB'],
      ['d', ''],
      ['e', ''],
    ]);
  });

  it('decodes non-ASCII bytes with the charset, ASCII ones as themselves', () => {
    const decoded = decodeFields(fields('price=%80+5&name=Jos%E9&plain=abc'), 'windows-1252');
    expect(decoded.fields.map((field) => field.value)).toEqual(['€ 5', 'José', 'abc']);
    const utf8 = decodeFields(fields('name=Jos%C3%A9&plain=abc'), 'UTF-8');
    expect(utf8.fields.map((field) => field.value)).toEqual(['José', 'abc']);
  });

  it('leaves charsets that do not read ASCII as ASCII to iconv', () => {
    const body = 'v=AB';
    const decoded = decodeFields(fields(body), 'UTF-16LE');
    expect(decoded.fields[0]?.value).toBe(iconv.decode(Buffer.from('AB'), 'UTF-16LE'));
    expect(decoded.fields[0]?.value).not.toBe('AB');
  });

  it('parseUtf8Form (2Checkout) reads what parseForm followed by UTF-8 decoding reads, byte for byte', () => {
    // The general path it replaces, as the reference.
    const general = (body: Buffer) => {
      const parsed = parseForm(body);
      if (!parsed.ok) return parsed;
      return {
        ok: true,
        fields: parsed.fields.map((f) => ({ name: f.name, value: f.value.toString('utf8') })),
      };
    };
    const dice = new Dice(prng(20_261_130));
    const seeds = Object.values(seedCorpus(dice)).flat();
    const bodies: Buffer[] = [
      'a=plain&b=with+space&c=%41%42&d=&e&=skipped&&f=%C3%A9t%C3%A9&g=%FF%FE&h=a=b&%41%2B=%2B',
      'only+name',
      '&&&',
      '',
      'x=%4',
      'x=%00',
      'x=caf\u00e9',
    ].map((body) => Buffer.from(body, 'latin1'));
    for (let i = 0; i < 3000; i++) bodies.push(hostileRequest(dice, seeds, 64 * 1024).body);
    let escaped = 0;
    for (const body of bodies) {
      const result = parseUtf8Form(body);
      expect(result).toEqual(general(body));
      if (result.ok && result.fields.some((field) => /[^\x21-\x7e]/.test(field.value))) escaped++;
    }
    // The corpus does reach the decoding branch with bytes that are not printable ASCII.
    expect(escaped).toBeGreaterThan(50);
  });
});
