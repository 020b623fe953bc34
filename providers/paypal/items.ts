// Line items: a cart numbers its lines from 1 (`item_name1`, `quantity1`, `mc_gross_1`);
// a single-item payment uses the bare names.
import type { EventItem } from '../types';
import { field, type ParsedIpn } from './parse';

function quantityOf(text: string | null): number | null {
  if (text === null || !/^-?\d+$/.test(text.trim())) return null;
  return Number(text.trim());
}

/** `mc_gross_N` is PayPal's name; the simulator has sent `mc_grossN`. */
function lineAmount(ipn: ParsedIpn, n: number): string | null {
  return field(ipn, `mc_gross_${n}`) ?? field(ipn, `mc_gross${n}`);
}

function hasCartLine(ipn: ParsedIpn, n: number): boolean {
  return field(ipn, `item_name${n}`) !== null || field(ipn, `item_number${n}`) !== null;
}

function cartLineCount(ipn: ParsedIpn): number {
  const declared = field(ipn, 'num_cart_items')?.trim() ?? '';
  // Bounded by the field count so a forged `num_cart_items` cannot make us loop for long.
  if (/^\d+$/.test(declared)) return Math.min(Number(declared), ipn.fields.size);
  let count = 0;
  while (hasCartLine(ipn, count + 1)) count++;
  return count;
}

export function itemsOf(ipn: ParsedIpn): EventItem[] {
  const lines = cartLineCount(ipn);
  if (lines > 0) {
    return Array.from({ length: lines }, (_, index) => ({
      name: field(ipn, `item_name${index + 1}`),
      quantity: quantityOf(field(ipn, `quantity${index + 1}`)),
      amount: lineAmount(ipn, index + 1),
    }));
  }
  const name = field(ipn, 'item_name');
  if (name === null && field(ipn, 'item_number') === null) return [];
  return [
    {
      name,
      quantity: quantityOf(field(ipn, 'quantity')),
      amount: lineAmount(ipn, 1) ?? field(ipn, 'mc_gross'),
    },
  ];
}
