// Notifications of one payment, built field by field, and readers for what the gateway stored.
import { createSecretKey } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { GroupedFields } from '../../providers/2checkout/fields';
import { hmacHex, signatureSource } from '../../providers/2checkout/signature';
import { buildTwocheckoutMessage, wirePairs } from '../../providers/2checkout/simulator/twocheckout-message';
import { encodeForm } from '../../src/cli/simulate/form-encoding';
import type { DbHandle } from '../../src/db/client';
import { TWOCHECKOUT_TEST_KEY } from './gateway';

export interface PaypalIpnOptions {
  txnId: string;
  parentTxnId?: string;
  status: string;
  gross: string;
  txnType?: string | null;
  invoice?: string;
  email?: string;
  receiverEmail?: string | null;
  receiverId?: string;
  caseId?: string;
}

/** A minimal, live-mode PayPal IPN (verified by the fake PayPal). */
export function paypalIpn(options: PaypalIpnOptions): string {
  const pairs: Array<[string, string]> = [
    ['mc_gross', options.gross],
    ['payment_status', options.status],
    ['payment_date', '10:00:00 Nov 21, 2026 PST'],
    ['txn_id', options.txnId],
    ['mc_currency', 'USD'],
    ['payer_email', options.email ?? 'buyer@example.com'],
    ['first_name', 'Test'],
    ['last_name', 'Buyer'],
    ['invoice', options.invoice ?? `INV-${options.parentTxnId ?? options.txnId}`],
  ];
  if (options.parentTxnId) pairs.push(['parent_txn_id', options.parentTxnId]);
  if (options.txnType !== null) pairs.push(['txn_type', options.txnType ?? 'web_accept']);
  if (options.receiverEmail !== null) {
    pairs.push(['receiver_email', options.receiverEmail ?? 'billing@acme-widgets.example']);
  }
  if (options.receiverId) pairs.push(['receiver_id', options.receiverId]);
  if (options.caseId) pairs.push(['case_id', options.caseId], ['case_type', 'dispute']);
  pairs.push(['verify_sign', 'AFcWxV21C7fd0v3bYYYRCpSSRl31A']);
  return pairs.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
}

export type TwocheckoutStatus =
  | 'payment.pending'
  | 'payment.authorized'
  | 'payment.completed'
  | 'payment.refunded'
  | 'payment.reversed'
  | 'payment.canceled';

export interface TwocheckoutIpnOptions {
  refno: string;
  type: TwocheckoutStatus;
  messageId: string;
  /** Replaces IPN_TOTALGENERAL (partial refunds). */
  total?: string;
}

const SIGNATURES = new Set(['HASH', 'SIGNATURE_SHA2_256', 'SIGNATURE_SHA3_256']);

/** A genuinely signed 2Checkout IPN for order `refno`, with its own MESSAGE_ID. */
export function twocheckoutIpn(options: TwocheckoutIpnOptions): Buffer {
  const built = buildTwocheckoutMessage({
    type: options.type,
    ids: {
      refno: options.refno,
      orderNo: `7${options.refno.slice(-4)}`,
      messageId: options.messageId,
      licenseCodes: ['LICENSEAAA', 'LICENSEBBB'],
      customerReference: '123456789',
    },
    now: new Date('2026-11-21T12:00:00Z'),
    secretKey: TWOCHECKOUT_TEST_KEY,
    algorithms: ['sha256'],
  });
  const unsigned: GroupedFields = built.fields
    .filter(([name]) => !SIGNATURES.has(name))
    .map(([name, value]) => [name, name === 'IPN_TOTALGENERAL' && options.total ? options.total : value]);
  const key = createSecretKey(Buffer.from(TWOCHECKOUT_TEST_KEY, 'utf8'));
  const fields: GroupedFields = [
    ...unsigned,
    ['SIGNATURE_SHA2_256', hmacHex('sha256', key, signatureSource(unsigned))],
  ];
  return Buffer.from(encodeForm(wirePairs(fields), 'utf-8'), 'latin1');
}

export interface StoredPayment extends Record<string, unknown> {
  provider: string;
  account: string;
  transaction_id: string;
  order_id: string | null;
  state: string;
  amount: string | null;
  currency: string | null;
  refunded_amount: string | null;
  livemode: boolean;
  customer_email: string | null;
}

export async function storedPayment(
  db: DbHandle,
  provider: string,
  transactionId: string,
): Promise<StoredPayment | undefined> {
  const [row] = await db.rows<StoredPayment>(sql`
    select provider, account, transaction_id, order_id, state, amount, currency,
           refunded_amount::text as refunded_amount, livemode, customer_email
    from payments where provider = ${provider} and transaction_id = ${transactionId}`);
  return row;
}

export interface PaymentEventRow extends Record<string, unknown> {
  id: string;
  type: string;
  transaction_id: string | null;
  superseded: boolean;
  deliveries: number;
}

/** The events of one payment, oldest first, with how many delivery rows each got. */
export async function paymentEvents(
  db: DbHandle,
  provider: string,
  transactionId: string,
): Promise<PaymentEventRow[]> {
  return db.rows<PaymentEventRow>(sql`
    select e.id, e.type, e.transaction_id, e.superseded,
           (select count(*)::int from deliveries d where d.event_id = e.id) as deliveries
    from events e where e.provider = ${provider} and e.payment_transaction_id = ${transactionId}
    order by e.id`);
}
