// Developer tools of each provider for the `ipn-gateway` command (simulators, local stand-ins).
// Kept apart from the plugin registry so the server never loads them.
import type { Command } from 'commander';
import { registerSimulateTwocheckout } from './2checkout/cli/simulate-twocheckout';
import { registerFakePaypalCommand } from './paypal/cli/fake-paypal';
import { registerSimulatePaypal } from './paypal/cli/simulate-paypal';
import { registerSimulatePaypalWebhook } from './paypal/cli/simulate-paypal-webhook';

export interface ProviderCli {
  /** Adds subcommands under `ipn-gateway simulate`. */
  simulate?(simulate: Command): void;
  /** Adds top-level commands (e.g. a local stand-in for the provider). */
  commands?(program: Command): void;
  /** Lines for the overview help: environment variables and examples. */
  environment?: string[];
  examples?: string[];
}

export const PROVIDER_CLIS: readonly ProviderCli[] = [
  {
    simulate(simulate) {
      registerSimulatePaypal(simulate);
      registerSimulatePaypalWebhook(simulate);
    },
    commands: registerFakePaypalCommand,
    environment: ['SIMULATOR_KEY     key shared by simulate paypal and fake-paypal'],
    examples: [
      'ipn-gateway fake-paypal',
      'ipn-gateway simulate paypal --type payment.refunded',
      'ipn-gateway simulate paypal-webhook --type payment.completed',
    ],
  },
  {
    simulate: registerSimulateTwocheckout,
    environment: ['TWOCHECKOUT_SECRET_KEY, ACCOUNTS_FILE: as for the server'],
    examples: [
      'ipn-gateway simulate 2checkout --type license.changed --algorithm sha256',
      'ipn-gateway simulate 2checkout --account shop-eu',
    ],
  },
];
