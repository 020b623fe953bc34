// `simulate`: play a payment provider against a running gateway. Each provider brings its own
// simulators (providers/cli.ts).
import type { Command } from 'commander';
import { PROVIDER_CLIS } from '../../../providers/cli';

export function registerSimulateCommands(program: Command): void {
  const simulate = program
    .command('simulate')
    .description('send realistic provider notifications to a gateway, signed as the provider would');
  for (const cli of PROVIDER_CLIS) cli.simulate?.(simulate);
}

/** Top-level commands providers add (local stand-ins and the like). */
export function registerProviderCommands(program: Command): void {
  for (const cli of PROVIDER_CLIS) cli.commands?.(program);
}
