// Field lists of subscription IPNs: PayPal Standard (`subscr_*`) and recurring payments profiles
// (`recurring_payment_*`), in the order PayPal sends them (fixtures `test/fixtures/paypal/seed-recurring_*`).
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

// ---- PayPal Standard subscriptions (subscr_*) ----

export function subscrPayment(c: PaypalContext): TemplateField[] {
  const p = c.persona;
  return [
    ['transaction_subject', p.itemName],
    ['payment_date', paypalDate(c.now)],
    ['txn_type', 'subscr_payment'],
    ['subscr_id', c.ids.profileId],
    ['last_name', p.lastName],
    ['residence_country', p.countryCode],
    ['item_name', p.itemName],
    ['payment_gross', usdOnly(c, gross(c))],
    ['mc_currency', c.currency],
    business(c),
    ['payment_type', 'instant'],
    ['protection_eligibility', 'Eligible'],
    VERIFY_SIGN_PLACEHOLDER,
    ['payer_status', 'verified'],
    testIpn(c),
    ['payer_email', p.email],
    ['txn_id', c.ids.txnId],
    receiverEmail(c),
    ['first_name', p.firstName],
    ['invoice', c.ids.invoice],
    ['payer_id', c.ids.payerId],
    ['receiver_id', c.receiverId],
    ['payment_status', 'Completed'],
    ['payment_fee', usdOnly(c, fee(c))],
    ['mc_fee', fee(c)],
    ['mc_gross', gross(c)],
    custom(c),
    charset(c),
    NOTIFY_VERSION,
    trackId(c),
  ];
}

type SubscrNotice = 'subscr_signup' | 'subscr_cancel' | 'subscr_modify' | 'subscr_eot' | 'subscr_failed';

export function subscrNotice(txnType: SubscrNotice) {
  const hasTerms = txnType === 'subscr_signup' || txnType === 'subscr_modify' || txnType === 'subscr_cancel';
  return (c: PaypalContext): TemplateField[] => {
    const p = c.persona;
    return [
      ['txn_type', txnType],
      ['subscr_id', c.ids.profileId],
      ['last_name', p.lastName],
      ['residence_country', p.countryCode],
      ['mc_currency', c.currency],
      ['item_name', p.itemName],
      business(c),
      hasTerms ? ['amount3', gross(c)] : null,
      hasTerms ? ['recurring', '1'] : null,
      txnType === 'subscr_failed' ? ['retry_at', paypalDate(daysFrom(c.now, 5))] : null,
      txnType === 'subscr_failed' ? ['mc_gross', gross(c)] : null,
      VERIFY_SIGN_PLACEHOLDER,
      ['payer_status', 'verified'],
      testIpn(c),
      ['payer_email', p.email],
      ['first_name', p.firstName],
      receiverEmail(c),
      ['payer_id', c.ids.payerId],
      txnType === 'subscr_signup' || txnType === 'subscr_modify' ? ['reattempt', '1'] : null,
      hasTerms ? ['subscr_date', paypalDate(c.now)] : null,
      custom(c),
      charset(c),
      NOTIFY_VERSION,
      hasTerms ? ['period3', '1 M'] : null,
      hasTerms ? ['mc_amount3', gross(c)] : null,
      trackId(c),
    ];
  };
}

// ---- Recurring payments profiles (recurring_payment_*) ----

export function recurringPayment(c: PaypalContext): TemplateField[] {
  const p = c.persona;
  return [
    ['mc_gross', gross(c)],
    ['period_type', 'Regular'],
    ['outstanding_balance', '0.00'],
    ['next_payment_date', paypalDate(daysFrom(c.now, 30))],
    ['protection_eligibility', 'Ineligible'],
    ['payment_cycle', 'Monthly'],
    ['address_status', 'confirmed'],
    ['tax', '0.00'],
    ['payer_id', c.ids.payerId],
    ['address_street', p.street],
    ['payment_date', paypalDate(c.now)],
    ['payment_status', 'Completed'],
    ['product_name', p.itemName],
    charset(c),
    ['rp_invoice_id', c.ids.invoice],
    ['recurring_payment_id', c.ids.profileId],
    ['address_zip', p.zip],
    ['first_name', p.firstName],
    ['mc_fee', fee(c)],
    ['address_country_code', p.countryCode],
    addressName(c),
    NOTIFY_VERSION,
    ['amount_per_cycle', gross(c)],
    ['payer_status', 'verified'],
    ['currency_code', c.currency],
    business(c),
    ['address_country', p.country],
    ['address_city', p.city],
    VERIFY_SIGN_PLACEHOLDER,
    ['payer_email', p.email],
    ['initial_payment_amount', '0.00'],
    ['profile_status', 'Active'],
    ['amount', gross(c)],
    ['txn_id', c.ids.txnId],
    ['payment_type', 'instant'],
    ['last_name', p.lastName],
    ['address_state', p.state],
    receiverEmail(c),
    ['payment_fee', usdOnly(c, fee(c))],
    ['receiver_id', c.receiverId],
    ['txn_type', 'recurring_payment'],
    ['mc_currency', c.currency],
    ['residence_country', p.countryCode],
    testIpn(c),
    ['transaction_subject', p.itemName],
    ['payment_gross', usdOnly(c, gross(c))],
    ['shipping', '0.00'],
    ['product_type', '1'],
    ['time_created', paypalDate(daysFrom(c.now, -90))],
    trackId(c),
  ];
}

interface ProfileNoticeOptions {
  profileStatus: 'Active' | 'Suspended' | 'Cancelled' | 'Expired';
  /** Unpaid amount is carried over (failed and suspended profiles). */
  owing?: boolean;
}

export function profileNotice(txnType: string, options: ProfileNoticeOptions) {
  return (c: PaypalContext): TemplateField[] => {
    const p = c.persona;
    const scheduled = options.profileStatus === 'Active';
    return [
      ['payment_cycle', 'Monthly'],
      ['txn_type', txnType],
      ['last_name', p.lastName],
      ['next_payment_date', scheduled ? paypalDate(daysFrom(c.now, 30)) : 'N/A'],
      ['residence_country', p.countryCode],
      ['initial_payment_amount', '0.00'],
      ['rp_invoice_id', c.ids.invoice],
      ['currency_code', c.currency],
      ['time_created', paypalDate(daysFrom(c.now, txnType.endsWith('_created') ? 0 : -90))],
      VERIFY_SIGN_PLACEHOLDER,
      // Real skipped notices carry a leading space here (`period_type=+Regular`).
      ['period_type', txnType === 'recurring_payment_skipped' ? ' Regular' : 'Regular'],
      ['payer_status', 'verified'],
      testIpn(c),
      ['tax', '0.00'],
      ['payer_email', p.email],
      ['first_name', p.firstName],
      receiverEmail(c),
      ['payer_id', c.ids.payerId],
      ['product_type', '1'],
      ['shipping', '0.00'],
      ['amount_per_cycle', gross(c)],
      ['profile_status', options.profileStatus],
      charset(c),
      NOTIFY_VERSION,
      ['amount', gross(c)],
      ['outstanding_balance', options.owing ? gross(c) : '0.00'],
      ['recurring_payment_id', c.ids.profileId],
      ['product_name', p.itemName],
      trackId(c),
    ];
  };
}
