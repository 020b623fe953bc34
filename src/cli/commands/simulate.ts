// `simulate`: play a payment provider against a running gateway.
import type { Command } from 'commander';
import { registerSimulatePaypal } from './simulate-paypal';
import { registerSimulateTwocheckout } from './simulate-twocheckout';

export function registerSimulateCommands(program: Command): void {
  const simulate = program
    .command('simulate')
    .description('send realistic provider notifications to a gateway (PayPal IPN, 2Checkout IPN/LCN)');
  registerSimulatePaypal(simulate);
  registerSimulateTwocheckout(simulate);
}
