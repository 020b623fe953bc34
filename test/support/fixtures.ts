import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventType } from '../../providers/types';

/** The repository root, found from this file, so tests never depend on the working directory. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Recorded notification bodies, byte for byte (test/fixtures/<provider>/README.md). */
export const FIXTURES_DIR = path.join(REPO_ROOT, 'test', 'fixtures');

export function fixturePath(provider: 'paypal' | '2checkout', file: string): string {
  return path.join(FIXTURES_DIR, provider, file);
}

export function fixture(provider: 'paypal' | '2checkout', file: string): Buffer {
  return readFileSync(fixturePath(provider, file));
}

export function fixtureNames(provider: 'paypal' | '2checkout'): string[] {
  return readdirSync(path.join(FIXTURES_DIR, provider)).filter((name) => name.endsWith('.txt'));
}

/** The project's own protocol notes (docs/protocols/<name>.md), which some tests read vectors from. */
export function protocolDoc(name: 'paypal-ipn' | '2checkout-ipn-lcn' | 'paypal-webhooks'): string {
  return readFileSync(path.join(REPO_ROOT, 'docs', 'protocols', `${name}.md`), 'utf8');
}

/** Expected event type per PayPal fixture, from test/fixtures/paypal/README.md. */
export const PAYPAL_FIXTURE_TYPES: Record<string, EventType> = {
  'web_accept-completed.txt': 'payment.completed',
  'cart-2-items-completed.txt': 'payment.completed',
  'refunded-of-web_accept.txt': 'payment.refunded',
  'reversed-chargeback-of-cart.txt': 'payment.reversed',
  'canceled_reversal-of-cart.txt': 'payment.reversal_canceled',
  'subscr_payment-completed-gbp.txt': 'subscription.payment_succeeded',
  'recurring_payment_skipped.txt': 'subscription.payment_skipped',
  'new_case-dispute.txt': 'dispute.opened',
  'seed-cart-completed.txt': 'payment.completed',
  'seed-refunded.txt': 'payment.refunded',
  'seed-reversed-unauthorized-claim.txt': 'payment.reversed',
  'seed-recurring_payment-completed.txt': 'subscription.payment_succeeded',
  'seed-recurring_payment_profile_created-active.txt': 'subscription.created',
  'seed-recurring_payment_skipped-active.txt': 'subscription.payment_skipped',
  'seed-recurring_payment_failed-active.txt': 'subscription.payment_failed',
  'seed-recurring_payment_suspended_due_to_max_failed_payment-suspended.txt': 'subscription.suspended',
};

/** docs/protocols/paypal-ipn.md sample S9: windows-1252 bytes sent as %E9 / %E8. */
export const PAYPAL_WINDOWS_1252_SAMPLE =
  'mc_gross=48.50&protection_eligibility=Ineligible&address_status=unconfirmed&payer_id=VCE5AFWR5NHBH&address_street=1200+rue+de+la+Gaucheti%E8re+O&payment_date=20%3A03%3A18+Mar+02%2C+2025+PST&payment_status=Pending&charset=windows-1252&address_zip=H3B+2M2&first_name=Ren%E9e&address_country_code=CA&address_name=Ren%E9e+Tremblay&notify_version=3.9&custom=acct_51007&payer_status=unverified&business=billing%40acme-widgets.example&address_country=Canada&address_city=Montr%E9al&quantity=1&verify_sign=Ax3yZnJh48LJY3cXgUlxdE47Kjd5vzkzOYA0-90KVRsVL3Gz97kYECEM&payer_email=renee.tremblay%40example.ca&txn_id=6J41236810MN1424L&payment_type=instant&last_name=Tremblay&address_state=QC&receiver_email=billing%40acme-widgets.example&pending_reason=multi_currency&receiver_id=RH7C366NHLF4Z&txn_type=web_accept&item_name=Caf%E9+Starter+Kit&mc_currency=CAD&item_number=KIT-01&residence_country=CA&transaction_subject=&payment_gross=&ipn_track_id=a991136bab5c5';
