// Field lists of one-off payment IPNs and what follows them (refunds, reversals, disputes), in the
// order PayPal sends them (docs/protocols/paypal-ipn.md section 7).
import { formatCents } from '../../../src/cli/simulate/money';
import { daysFrom, paypalDate } from './paypal-dates';
import {
  addressName,
  business,
  charset,
  custom,
  fee,
  gross,
  NOTIFY_VERSION,
  type PaypalContext,
  receiverEmail,
  type TemplateField,
  testIpn,
  trackId,
  usdOnly,
  VERIFY_SIGN_PLACEHOLDER,
} from './paypal-fields';

// ---- one-off payments: web_accept, express_checkout ----

interface OneOffOptions {
  txnType: 'web_accept' | 'express_checkout';
  status: 'Completed' | 'Pending' | 'Denied' | 'Failed';
  pendingReason?: string;
  paymentType?: 'instant' | 'echeck';
}

export function oneOffPayment(options: OneOffOptions) {
  return (c: PaypalContext): TemplateField[] => {
    const p = c.persona;
    const charged = options.status === 'Completed';
    return [
      ['mc_gross', gross(c)],
      options.txnType === 'express_checkout' ? ['invoice', c.ids.invoice] : null,
      ['protection_eligibility', charged ? 'Eligible' : 'Ineligible'],
      ['address_status', 'confirmed'],
      ['payer_id', c.ids.payerId],
      ['address_street', p.street],
      ['payment_date', paypalDate(c.now)],
      ['payment_status', options.status],
      charset(c),
      ['address_zip', p.zip],
      ['first_name', p.firstName],
      charged ? ['mc_fee', fee(c)] : null,
      ['address_country_code', p.countryCode],
      addressName(c),
      NOTIFY_VERSION,
      custom(c),
      ['payer_status', 'verified'],
      business(c),
      ['address_country', p.country],
      ['address_city', p.city],
      ['quantity', '1'],
      VERIFY_SIGN_PLACEHOLDER,
      ['payer_email', p.email],
      ['txn_id', c.ids.txnId],
      ['payment_type', options.paymentType ?? 'instant'],
      ['last_name', p.lastName],
      ['address_state', p.state],
      receiverEmail(c),
      options.pendingReason ? ['pending_reason', options.pendingReason] : null,
      ['payment_fee', charged ? usdOnly(c, fee(c)) : ''],
      ['shipping_discount', '0.00'],
      ['insurance_amount', '0.00'],
      ['receiver_id', c.receiverId],
      testIpn(c),
      ['txn_type', options.txnType],
      ['item_name', p.itemName],
      ['discount', '0.00'],
      ['mc_currency', c.currency],
      ['item_number', p.itemNumber],
      ['residence_country', p.countryCode],
      ['shipping_method', 'Default'],
      ['transaction_subject', ''],
      ['payment_gross', usdOnly(c, gross(c))],
      trackId(c),
    ];
  };
}

// ---- cart with two lines (about two thirds of the total on line 1, quantity 2) ----

export function cartPayment(c: PaypalContext): TemplateField[] {
  const p = c.persona;
  const line2 = Math.floor(c.amountCents / 3);
  const line1 = c.amountCents - line2;
  return [
    ['mc_gross', gross(c)],
    ['invoice', c.ids.invoice],
    ['protection_eligibility', 'Eligible'],
    ['address_status', 'confirmed'],
    ['item_number1', p.itemNumber],
    ['payer_id', c.ids.payerId],
    ['tax', '0.00'],
    ['address_street', p.street],
    ['payment_date', paypalDate(c.now)],
    ['payment_status', 'Completed'],
    charset(c),
    ['mc_shipping', '0.00'],
    ['mc_handling', '0.00'],
    ['first_name', p.firstName],
    ['mc_fee', fee(c)],
    NOTIFY_VERSION,
    ['custom', ''],
    ['payer_status', 'verified'],
    business(c),
    ['num_cart_items', '2'],
    ['mc_handling1', '0.00'],
    ['mc_handling2', '0.00'],
    ['address_country', p.country],
    ['address_city', p.city],
    VERIFY_SIGN_PLACEHOLDER,
    ['payer_email', p.email],
    ['mc_shipping1', '0.00'],
    ['mc_shipping2', '0.00'],
    ['tax1', '0.00'],
    ['tax2', '0.00'],
    ['item_number2', 'MUG-11OZ'],
    ['txn_id', c.ids.txnId],
    ['payment_type', 'instant'],
    ['last_name', p.lastName],
    ['address_state', p.state],
    ['item_name1', p.itemName],
    receiverEmail(c),
    ['item_name2', 'Coffee Mug 11oz'],
    ['payment_fee', usdOnly(c, fee(c))],
    ['quantity1', '2'],
    ['quantity2', '1'],
    ['receiver_id', c.receiverId],
    ['txn_type', 'cart'],
    ['mc_gross_1', formatCents(line1)],
    ['mc_currency', c.currency],
    ['mc_gross_2', formatCents(line2)],
    ['residence_country', p.countryCode],
    testIpn(c),
    ['transaction_subject', ''],
    ['payment_gross', usdOnly(c, gross(c))],
    trackId(c),
  ];
}

// ---- money follow-ups without txn_type: Refunded, Reversed, Canceled_Reversal ----

export function moneyFollowUp(status: 'Refunded' | 'Reversed' | 'Canceled_Reversal', reasonCode: string) {
  // Refunds and reversals take money back: negative amounts. A cancelled reversal returns it.
  const sign = status === 'Canceled_Reversal' ? 1 : -1;
  return (c: PaypalContext): TemplateField[] => {
    const p = c.persona;
    return [
      ['mc_gross', gross(c, sign)],
      ['protection_eligibility', 'Eligible'],
      ['payer_id', c.ids.payerId],
      ['address_street', p.street],
      ['payment_date', paypalDate(c.now)],
      ['payment_status', status],
      charset(c),
      ['address_zip', p.zip],
      ['first_name', p.firstName],
      ['mc_fee', fee(c, sign)],
      ['address_country_code', p.countryCode],
      addressName(c),
      NOTIFY_VERSION,
      ['reason_code', reasonCode],
      custom(c),
      business(c),
      ['address_country', p.country],
      ['address_city', p.city],
      VERIFY_SIGN_PLACEHOLDER,
      ['payer_email', p.email],
      ['parent_txn_id', c.ids.parentTxnId],
      ['txn_id', c.ids.txnId],
      ['payment_type', 'instant'],
      ['last_name', p.lastName],
      ['address_state', p.state],
      receiverEmail(c),
      ['payment_fee', usdOnly(c, fee(c, sign))],
      ['receiver_id', c.receiverId],
      ['item_name', p.itemName],
      ['mc_currency', c.currency],
      ['item_number', p.itemNumber],
      ['residence_country', p.countryCode],
      testIpn(c),
      ['transaction_subject', ''],
      ['payment_gross', usdOnly(c, gross(c, sign))],
      trackId(c),
    ];
  };
}

// ---- disputes ----

export function newCase(c: PaypalContext): TemplateField[] {
  const p = c.persona;
  return [
    ['txn_type', 'new_case'],
    ['payment_date', paypalDate(daysFrom(c.now, -6))],
    ['case_id', c.ids.caseId],
    ['case_type', 'dispute'],
    ['reason_code', 'non_receipt'],
    ['case_creation_date', paypalDate(c.now)],
    business(c),
    receiverEmail(c),
    ['receiver_id', c.receiverId],
    ['payer_id', c.ids.payerId],
    ['payer_email', p.email],
    ['first_name', p.firstName],
    ['last_name', p.lastName],
    // The disputed payment, not a new transaction.
    ['txn_id', c.ids.parentTxnId],
    custom(c),
    ['item_name', p.itemName],
    ['mc_gross', gross(c)],
    ['mc_currency', c.currency],
    ['buyer_additional_information', 'Paid but never received the item.'],
    VERIFY_SIGN_PLACEHOLDER,
    testIpn(c),
    charset(c),
    NOTIFY_VERSION,
    trackId(c),
  ];
}
