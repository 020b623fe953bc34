// Makes new, genuinely signed 2Checkout IPNs from a fixture, so tests can send many distinct ones.
import { createHmac } from 'node:crypto';
import { groupFields, parseUtf8Form } from '../../providers/form';
import { fixture } from './fixtures';
import { TWOCHECKOUT_TEST_KEY } from './gateway';

const SIGNATURE_FIELDS = /&(HASH|SIGNATURE_SHA2_256|SIGNATURE_SHA3_256)=[0-9a-fA-F]*/g;

function signatureSource(body: string): string {
  const parsed = parseUtf8Form(Buffer.from(body));
  if (!parsed.ok) throw new Error(parsed.reason);
  return groupFields(parsed.fields)
    .flatMap(([, value]) => (Array.isArray(value) ? value : [value]))
    .map((value) => `${Buffer.byteLength(value)}${value}`)
    .join('');
}

/** The pending-order fixture with another REFNO (and any other `edit`), signed with SHA-256. */
export function signedIpn(refno: string, file = 'ipn-pending.txt', edit = (body: string) => body): string {
  const unsigned = edit(
    fixture('2checkout', file)
      .toString()
      .replace(SIGNATURE_FIELDS, '')
      .replace(/REFNO=\d+/, `REFNO=${refno}`),
  );
  const signature = createHmac('sha256', TWOCHECKOUT_TEST_KEY)
    .update(signatureSource(unsigned))
    .digest('hex');
  return `${unsigned}&SIGNATURE_SHA2_256=${signature}`;
}
