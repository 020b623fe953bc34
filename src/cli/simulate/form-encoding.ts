// Form-encodes fields the way PayPal and 2Checkout post them: values as bytes in the message's
// charset, `+` for spaces, every other byte outside [A-Za-z0-9-_.] as upper-case %XX.
import iconv from 'iconv-lite';

/** One wire pair; a repeated `NAME[]` key is several pairs with the same name. */
export type FormPair = readonly [name: string, value: string];

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    byte === 0x2d ||
    byte === 0x2e ||
    byte === 0x5f
  );
}

export function isKnownCharset(charset: string): boolean {
  return iconv.encodingExists(charset);
}

export function encodeComponent(text: string, charset: string): string {
  let out = '';
  for (const byte of iconv.encode(text, charset)) {
    if (byte === 0x20) out += '+';
    else if (isUnreserved(byte)) out += String.fromCharCode(byte);
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function encodePair([name, value]: FormPair, charset: string): string {
  return `${encodeComponent(name, charset)}=${encodeComponent(value, charset)}`;
}

export function encodeForm(pairs: readonly FormPair[], charset: string): string {
  return pairs.map((pair) => encodePair(pair, charset)).join('&');
}
