// Distinct, valid provider notifications: body i always has the same id, so a fresh database sees
// every body as a new notification. Bodies are made on first use and kept.
import { fixture } from '../../test/support/fixtures';
import { signedIpn } from '../../test/support/twocheckout-signing';

export interface BodyPool {
  name: string;
  /** The id (REFNO / txn_id) carried by body i. */
  idOf(index: number): string;
  body(index: number): string;
  /** Makes bodies 0..count-1 ahead of time, so no signing happens while measuring. */
  prepare(count: number): void;
  prepared(): number;
}

function pool(name: string, idOf: (index: number) => string, make: (id: string) => string): BodyPool {
  const bodies: string[] = [];
  const body = (index: number) => {
    while (bodies.length <= index) bodies.push(make(idOf(bodies.length)));
    return bodies[index] as string;
  };
  return {
    name,
    idOf,
    body,
    prepare: (count) => void (count > 0 && body(count - 1)),
    prepared: () => bodies.length,
  };
}

/** 2Checkout IPNs (the pending-order fixture) with nine-digit REFNOs, signed with SHA-256. */
export function twocheckoutIpns(): BodyPool {
  return pool(
    '2checkout IPN',
    (index) => String(300_000_000 + index),
    (refno) => signedIpn(refno),
  );
}

/** PayPal web_accept IPNs with distinct 17-character txn_ids (verified later by a worker). */
export function paypalIpns(): BodyPool {
  const template = fixture('paypal', 'web_accept-completed.txt').toString();
  return pool(
    'PayPal IPN',
    (index) => `BENCH${String(index).padStart(12, '0')}`,
    (txnId) => template.replace(/txn_id=[^&]*/, `txn_id=${txnId}`),
  );
}

/** The same bodies, cycling through those already made (for floors, where repeats cost nothing). */
export function cycling(source: BodyPool): BodyPool {
  const count = () => Math.max(1, source.prepared());
  return {
    ...source,
    idOf: (index) => source.idOf(index % count()),
    body: (index) => source.body(index % count()),
  };
}
