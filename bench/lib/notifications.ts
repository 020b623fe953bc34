// Distinct, valid provider notifications. Every body of the whole bench run has an id of its own
// (one counter per provider), so no section ever sees a duplicate. Bodies are made before a
// measurement starts, so no signing happens while measuring.
import { paypalIpn, twocheckoutIpn } from './ipn-bodies';

export type Provider = '2checkout' | 'paypal';

export interface Batch {
  provider: Provider;
  bodies: string[];
  /** The id each body carries (REFNO / txn_id), as it reappears in data.transaction_id. */
  ids: string[];
}

const next: Record<Provider, number> = { '2checkout': 0, paypal: 0 };
const make: Record<Provider, (index: number) => [string, string]> = {
  '2checkout': (index) => {
    const refno = String(300_000_000 + index);
    return [refno, twocheckoutIpn(refno)];
  },
  paypal: (index) => {
    const txnId = `BENCH${String(index).padStart(12, '0')}`;
    return [txnId, paypalIpn(txnId)];
  },
};

/** `count` new notifications of `provider`. */
export function newBatch(provider: Provider, count: number): Batch {
  const bodies: string[] = [];
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const [id, body] = make[provider](next[provider]++);
    ids.push(id);
    bodies.push(body);
  }
  return { provider, bodies, ids };
}
