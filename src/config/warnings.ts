import type { Config } from './config';

/**
 * Settings that start but leave the gateway open to abuse; logged at every start and shown on
 * the dashboard overview.
 */
export function configurationWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (
    config.providers.includes('paypal') &&
    config.paypal.mode === 'live' &&
    config.paypal.receiverEmails.length === 0
  ) {
    warnings.push(
      'PAYPAL_RECEIVER_EMAILS is not set in live mode: anyone can pay their own PayPal account with ' +
        'notify_url pointing here and invoice/custom naming one of your orders, and PayPal will answer ' +
        'VERIFIED. Set PAYPAL_RECEIVER_EMAILS to your receiving PayPal addresses.',
    );
  }
  return warnings;
}
