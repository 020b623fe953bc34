// Self-contained sample notifications for the bench and the scale tests: a 2Checkout IPN signed
// with HMAC-SHA256 and a PayPal web_accept IPN, each with a distinct id. Field sets follow the
// providers' documented IPN formats; the values are made up.
// Nothing here imports gateway code, so the bench does not move when the plugins do.
import { createHmac } from 'node:crypto';

export const BENCH_TWOCHECKOUT_KEY = 'AABBCCDDEEFF';

/** PHP-style form encoding: spaces as `+`, everything else percent-encoded as needed. */
function formEncode(fields: [string, string][]): string {
  return fields
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value).replace(/%20/g, '+')}`)
    .join('&');
}

const TWOCHECKOUT_FIELDS: [string, string][] = [
  ['GIFT_ORDER', '0'],
  ['SALEDATE', '2026-10-02 09:12:44'],
  ['PAYMENTDATE', '2026-10-02 09:13:05'],
  ['REFNO', '0'],
  ['REFNOEXT', 'BENCH-ORDER'],
  ['ORDERNO', '7001'],
  ['ORDERSTATUS', 'PENDING'],
  ['PAYMETHOD', 'Visa/MasterCard'],
  ['FIRSTNAME', 'Åsa'],
  ['LASTNAME', 'Lindqvist'],
  ['COMPANY', ''],
  ['CITY', 'Uppsala'],
  ['COUNTRY', 'Sweden'],
  ['COUNTRY_CODE', 'se'],
  ['PHONE', '+46 18 000 00 00'],
  ['CUSTOMEREMAIL', 'asa.lindqvist@example.org'],
  ['TIMEZONE_OFFSET', 'GMT+01:00'],
  ['CURRENCY', 'SEK'],
  ['IPN_PID[]', '5100001'],
  ['IPN_PID[]', '5100002'],
  ['IPN_PNAME[]', 'Bench Suite Licence'],
  ['IPN_PNAME[]', 'Update Plan (12 months)'],
  ['IPN_QTY[]', '1'],
  ['IPN_QTY[]', '1'],
  ['IPN_PRICE[]', '390.00'],
  ['IPN_PRICE[]', '120.00'],
  ['IPN_TOTAL[]', '487.50'],
  ['IPN_TOTAL[]', '150.00'],
  ['IPN_LICENSE_REF[]', 'BENCHLIC01'],
  ['IPN_LICENSE_REF[]', 'BENCHLIC02'],
  ['IPN_TOTALGENERAL', '637.50'],
  ['TEST_ORDER', '0'],
  ['FRAUD_STATUS', 'APPROVED'],
  ['IPN_DATE', '20261002091306'],
];

/**
 * 2Checkout signs the values in field order (repeated `NAME[]` fields grouped, as they already
 * are here), each prefixed by its UTF-8 byte length.
 */
function twocheckoutSource(fields: [string, string][]): string {
  return fields.map(([, value]) => `${Buffer.byteLength(value)}${value}`).join('');
}

/** A pending-order 2Checkout IPN for `refno`, signed with SHA-256 under `key`. */
export function twocheckoutIpn(refno: string, key = BENCH_TWOCHECKOUT_KEY): string {
  const fields = TWOCHECKOUT_FIELDS.map(([name, value]): [string, string] => [
    name,
    name === 'REFNO' ? refno : value,
  ]);
  const signature = createHmac('sha256', key).update(twocheckoutSource(fields)).digest('hex');
  return `${formEncode(fields)}&SIGNATURE_SHA2_256=${signature}`;
}

const PAYPAL_FIELDS: [string, string][] = [
  ['mc_gross', '19.00'],
  ['protection_eligibility', 'Eligible'],
  ['payer_id', 'BENCHPAYER00001'],
  ['payment_date', '10:20:30 Oct 02, 2026 PDT'],
  ['payment_status', 'Completed'],
  ['charset', 'UTF-8'],
  ['first_name', 'Rui'],
  ['last_name', 'Tavares'],
  ['mc_fee', '0.85'],
  ['notify_version', '3.9'],
  ['custom', 'bench-account'],
  ['payer_status', 'verified'],
  ['business', 'sales@bench-shop.example'],
  ['quantity', '1'],
  ['verify_sign', 'AbenchSignatureValueThatPayPalWouldSendHere0123456789'],
  ['payer_email', 'rui.tavares@example.net'],
  ['txn_id', '0'],
  ['payment_type', 'instant'],
  ['receiver_email', 'sales@bench-shop.example'],
  ['receiver_id', 'BENCHRECEIVER1'],
  ['txn_type', 'web_accept'],
  ['item_name', 'Monthly Plan (Basic)'],
  ['item_number', 'BASIC-1M'],
  ['mc_currency', 'EUR'],
  ['residence_country', 'PT'],
  ['ipn_track_id', 'b3nch7rack1d'],
];

/** A completed PayPal web_accept IPN with `txnId` (verified later by a postback). */
export function paypalIpn(txnId: string): string {
  return formEncode(
    PAYPAL_FIELDS.map(([name, value]): [string, string] => [name, name === 'txn_id' ? txnId : value]),
  );
}
