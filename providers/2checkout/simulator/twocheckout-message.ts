// Builds one simulated 2Checkout IPN (or LCN) body: fields in 2Checkout's order, UTF-8, arrays as
// repeated `NAME[]` keys, signed with the account secret key by the provider's own signature code.
// Pure: the same options give the same bytes.
import { createSecretKey } from 'node:crypto';
import { encodeForm, type FormPair } from '../../../src/cli/simulate/form-encoding';
import { formatCents } from '../../../src/cli/simulate/money';
import type { EventType, MessageKind } from '../../types';
import type { GroupedFields } from '../fields';
import { receiptDate } from '../receipt';
import { hmacHex, type SignatureAlgorithm, signatureSource } from '../signature';
import type { TwocheckoutIds } from './twocheckout-ids';

interface TwocheckoutType {
  kind: MessageKind;
  /** ORDERSTATUS of an IPN, STATUS of an LCN. */
  status: string;
  summary: string;
}

export const TWOCHECKOUT_TYPES = {
  'payment.completed': { kind: 'ipn', status: 'COMPLETE', summary: 'IPN, ORDERSTATUS=COMPLETE' },
  'payment.pending': { kind: 'ipn', status: 'PENDING', summary: 'IPN, ORDERSTATUS=PENDING' },
  'payment.authorized': { kind: 'ipn', status: 'PAYMENT_AUTHORIZED', summary: 'IPN, PAYMENT_AUTHORIZED' },
  'payment.refunded': { kind: 'ipn', status: 'REFUND', summary: 'IPN, REFUND, negative totals' },
  'payment.reversed': { kind: 'ipn', status: 'REVERSED', summary: 'IPN, REVERSED, negative totals' },
  'payment.canceled': { kind: 'ipn', status: 'CANCELED', summary: 'IPN, ORDERSTATUS=CANCELED' },
  'license.changed': { kind: 'lcn', status: 'ACTIVE', summary: 'License Change Notification' },
} as const satisfies Record<string, TwocheckoutType>;

export type TwocheckoutEventType = keyof typeof TWOCHECKOUT_TYPES;

export const TWOCHECKOUT_EVENT_TYPES = Object.keys(TWOCHECKOUT_TYPES) as TwocheckoutEventType[];

export const SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = ['md5', 'sha256', 'sha3-256'];

/** Weakest first, which is also the order the signature fields are posted in. */
const SIGNATURE_FIELDS: ReadonlyArray<[SignatureAlgorithm, string]> = [
  ['md5', 'HASH'],
  ['sha256', 'SIGNATURE_SHA2_256'],
  ['sha3-256', 'SIGNATURE_SHA3_256'],
];

export interface TwocheckoutMessageOptions {
  type: TwocheckoutEventType;
  ids: TwocheckoutIds;
  now: Date;
  secretKey: string;
  /** Signature fields to include; 2Checkout sends one or several depending on the URL's setting. */
  algorithms: readonly SignatureAlgorithm[];
  /** TEST_ORDER / TEST = 1 (default true). */
  test?: boolean;
  sequence?: number;
}

export interface TwocheckoutMessage {
  kind: MessageKind;
  path: '/ipn/2checkout' | '/lcn/2checkout';
  expectedType: EventType;
  /** Grouped fields as posted, signatures included. */
  fields: GroupedFields;
  body: Buffer;
  /** The strongest signature sent: the receipt must use it. */
  receiptAlgorithm: SignatureAlgorithm;
}

interface Buyer {
  firstName: string;
  lastName: string;
  email: string;
  address: string;
  city: string;
  zip: string;
  country: string;
  countryCode: string;
  phone: string;
  language: string;
}

const BUYERS: readonly Buyer[] = [
  {
    firstName: 'Hélène',
    lastName: 'Dupont',
    email: 'helene.dupont@example.com',
    address: '12 Rue de la République',
    city: 'Lyon',
    zip: '69002',
    country: 'France',
    countryCode: 'fr',
    phone: '+33 4 72 00 00 00',
    language: 'fr',
  },
  {
    firstName: 'Jürgen',
    lastName: 'Weiß',
    email: 'juergen.weiss@example.de',
    address: 'Schönhauser Allee 36',
    city: 'Berlin',
    zip: '10435',
    country: 'Germany',
    countryCode: 'de',
    phone: '+49 30 1234567',
    language: 'de',
  },
];

const NO_DATE = '0000-00-00 00:00:00';

/** 2Checkout's `Y-m-d H:i:s` (we write UTC). */
function orderDate(instant: Date): string {
  return instant.toISOString().slice(0, 19).replace('T', ' ');
}

const minutesBefore = (instant: Date, minutes: number) => new Date(instant.getTime() - minutes * 60_000);
const yearAfter = (instant: Date) => new Date(instant.getTime() + 365 * 86_400_000);

// Two product lines: 49.00 + 20% VAT, and 2 × 10.00 + 20% VAT.
const LINES = [
  { pid: '4589231', name: 'Café Pro Licence', code: 'CAFE-PRO', qty: 1, priceCents: 4900 },
  { pid: '4589240', name: 'Priority Support (1 year)', code: 'SUPPORT-1Y', qty: 2, priceCents: 1000 },
];

function ipnFields(options: TwocheckoutMessageOptions, status: string, buyer: Buyer): GroupedFields {
  const { ids, now } = options;
  const paid = !['PENDING', 'CANCELED'].includes(status);
  const complete = status === 'COMPLETE';
  // Refunds and reversals repeat the order with negative totals.
  const sign = status === 'REFUND' || status === 'REVERSED' ? -1 : 1;
  const vat = LINES.map((line) => (line.qty * line.priceCents * 20) / 100);
  const totals = LINES.map((line, index) => sign * (line.qty * line.priceCents + (vat[index] ?? 0)));
  const grandTotal = totals.reduce((sum, total) => sum + total, 0);
  const expires = orderDate(yearAfter(now));
  const fields: Array<[string, string | string[]] | null> = [
    ['GIFT_ORDER', '0'],
    ['SALEDATE', orderDate(minutesBefore(now, 3))],
    ['PAYMENTDATE', paid ? orderDate(minutesBefore(now, 2)) : NO_DATE],
    ['REFNO', ids.refno],
    ['REFNOEXT', `ORD-${ids.orderNo}`],
    ['SHOPPER_REFERENCE_NUMBER', ''],
    ['ORDERNO', ids.orderNo],
    ['ORDERSTATUS', status],
    ['PAYMETHOD', 'Visa/MasterCard'],
    ['PAYMETHOD_CODE', 'CCVISAMC'],
    ['FIRSTNAME', buyer.firstName],
    ['LASTNAME', buyer.lastName],
    ['COMPANY', ''],
    ['ADDRESS1', buyer.address],
    ['ADDRESS2', ''],
    ['CITY', buyer.city],
    ['STATE', ''],
    ['ZIPCODE', buyer.zip],
    ['COUNTRY', buyer.country],
    ['COUNTRY_CODE', buyer.countryCode],
    ['PHONE', buyer.phone],
    ['CUSTOMEREMAIL', buyer.email],
    ['IPADDRESS', '203.0.113.76'],
    ['IPCOUNTRY', buyer.country],
    ['COMPLETE_DATE', complete ? orderDate(now) : NO_DATE],
    ['TIMEZONE_OFFSET', 'GMT+02:00'],
    ['CURRENCY', 'EUR'],
    ['LANGUAGE', buyer.language],
    ['ORDERFLOW', 'REGULAR'],
    ['IPN_PID', LINES.map((line) => line.pid)],
    ['IPN_PNAME', LINES.map((line) => line.name)],
    ['IPN_PCODE', LINES.map((line) => line.code)],
    ['IPN_EXTERNAL_REFERENCE', ['', '']],
    ['IPN_INFO', ['', '']],
    ['IPN_QTY', LINES.map((line) => String(line.qty))],
    ['IPN_PRICE', LINES.map((line) => formatCents(line.priceCents))],
    ['IPN_VAT', vat.map((cents) => formatCents(cents))],
    ['IPN_VAT_RATE', ['20.0000', '20.0000']],
    ['IPN_VER', ['2', '1']],
    ['IPN_DISCOUNT', ['0.00', '0.00']],
    ['MESSAGE_ID', ids.messageId],
    ['MESSAGE_TYPE', status],
    ['IPN_LICENSE_PROD', LINES.map((line) => line.pid)],
    ['IPN_LICENSE_TYPE', ['REGULAR', 'REGULAR']],
    ['IPN_LICENSE_REF', [...ids.licenseCodes]],
    ['IPN_LICENSE_EXP', [expires, expires]],
    ['IPN_TOTAL', totals.map((cents) => formatCents(cents))],
    ['IPN_TOTALGENERAL', formatCents(grandTotal)],
    ['IPN_SHIPPING', '0.00'],
    ['AVANGATE_CUSTOMER_REFERENCE', ids.customerReference],
    ['EXTERNAL_CUSTOMER_REFERENCE', `CUST-${ids.orderNo}`],
    status === 'REFUND' ? ['REFUND_TYPE', 'TOTAL'] : null,
    ['TEST_ORDER', options.test === false ? '0' : '1'],
    ['FRAUD_STATUS', status === 'PENDING' ? 'PENDING' : 'APPROVED'],
    ['IPN_DATE', receiptDate(now)],
  ];
  return fields.filter((field): field is [string, string | string[]] => field !== null);
}

function lcnFields(options: TwocheckoutMessageOptions, status: string, buyer: Buyer): GroupedFields {
  const { ids, now } = options;
  return [
    ['FIRST_NAME', buyer.firstName],
    ['LAST_NAME', buyer.lastName],
    ['COMPANY', ''],
    ['EMAIL', buyer.email],
    ['PHONE', buyer.phone],
    ['FAX', ''],
    ['COUNTRY', buyer.country],
    ['STATE', ''],
    ['CITY', buyer.city],
    ['ZIP', buyer.zip],
    ['ADDRESS', buyer.address],
    ['LICENSE_CODE', ids.licenseCodes[0]],
    ['EXPIRATION_DATE', orderDate(yearAfter(now))],
    ['DATE_UPDATED', orderDate(now)],
    ['AVANGATE_CUSTOMER_REFERENCE', ids.customerReference],
    ['EXTERNAL_CUSTOMER_REFERENCE', `CUST-${ids.orderNo}`],
    ['TEST', options.test === false ? '0' : '1'],
    ['CHANGED_BY', 'CUSTOMER'],
    ['LICENSE_TYPE', 'REGULAR'],
    ['STATUS', status],
  ];
}

/** Grouped fields → wire pairs: an array becomes repeated `NAME[]` keys. */
export function wirePairs(fields: GroupedFields): FormPair[] {
  return fields.flatMap(([name, value]): FormPair[] =>
    Array.isArray(value) ? value.map((element): FormPair => [`${name}[]`, element]) : [[name, value]],
  );
}

export function buildTwocheckoutMessage(options: TwocheckoutMessageOptions): TwocheckoutMessage {
  if (options.algorithms.length === 0) throw new Error('at least one signature algorithm is needed');
  const { kind, status } = TWOCHECKOUT_TYPES[options.type];
  const buyer = BUYERS[Math.abs(options.sequence ?? 0) % BUYERS.length] as Buyer;
  const unsigned = kind === 'ipn' ? ipnFields(options, status, buyer) : lcnFields(options, status, buyer);

  const key = createSecretKey(Buffer.from(options.secretKey, 'utf8'));
  const source = signatureSource(unsigned);
  const chosen = SIGNATURE_FIELDS.filter(([algorithm]) => options.algorithms.includes(algorithm));
  const signatures = chosen.map(([algorithm, field]): [string, string] => [
    field,
    hmacHex(algorithm, key, source),
  ]);
  const fields: GroupedFields = [...unsigned, ...signatures];

  return {
    kind,
    path: kind === 'ipn' ? '/ipn/2checkout' : '/lcn/2checkout',
    expectedType: kind === 'ipn' ? (options.type as EventType) : 'license.changed',
    fields,
    body: Buffer.from(encodeForm(wirePairs(fields), 'utf-8'), 'latin1'),
    receiptAlgorithm: (chosen.at(-1) as [SignatureAlgorithm, string])[0],
  };
}
