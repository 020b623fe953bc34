// A leaf command that talks to the admin API: it gets --url and --token.
import type { Command } from 'commander';
import { gatewayUrlOption, tokenOption } from '../options';

export function adminCommand(parent: Command, nameAndArgs: string, description: string): Command {
  return parent
    .command(nameAndArgs)
    .description(description)
    .addOption(gatewayUrlOption())
    .addOption(tokenOption());
}
