// The fast paths of form reading (no copy for components without escapes, ASCII values read
// without iconv) give exactly what the general path gives.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeFields, parseForm } from '../../providers/form';

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
});
