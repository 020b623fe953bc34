// The command tree. Commander reports its own usage errors; ours are CliErrors; either way the
// user sees one `error: ...` line on stderr and a non-zero exit code.
import { Command, CommanderError } from 'commander';
import { PROVIDER_CLIS } from '../../providers/cli';
import { CliError, describeError, EXIT_FAILURE } from './cli-error';
import { registerDeliveryCommands } from './commands/deliveries';
import { registerEventCommands } from './commands/events';
import { registerLifecycleCommands } from './commands/lifecycle';
import { registerMessageCommands } from './commands/messages';
import { registerMigrateCommand } from './commands/migrate';
import { registerPaymentCommands } from './commands/payments';
import { registerProviderCommands, registerSimulateCommands } from './commands/simulate';
import { registerSubscriberCommands } from './commands/subscribers';

const indent = (lines: string[], prefix: string) => lines.map((line) => `${prefix}${line}`).join('\n');

const OVERVIEW = `
Environment:
  IPN_GATEWAY_URL   gateway base URL (default http://127.0.0.1:3000)
  ADMIN_TOKEN       admin API token (subscribers, deliveries, events, messages)
${indent(
  PROVIDER_CLIS.flatMap((cli) => cli.environment ?? []),
  '  ',
)}
  DATABASE_URL, DATA_DIR: as for the server

Examples:
  $ ipn-gateway migrate
  $ ipn-gateway subscribers add https://billing.internal.example/webhooks/payments
${indent(
  PROVIDER_CLIS.flatMap((cli) => cli.examples ?? []),
  '  $ ',
)}
  $ ipn-gateway deliveries list --status failed
  $ ipn-gateway erasures create --email buyer@example.com
  $ ipn-gateway deliveries retry --subscriber sub_01JD5Q8Z3R4B9T6W2X7Y0KMN1P --since 2026-11-21T00:00:00Z`;

export function buildProgram(): Command {
  const program = new Command('ipn-gateway')
    .description('operate an ipn-gateway: admin API, provider simulators, database migrations')
    // Set before any subcommand exists: subcommands copy these settings when created.
    .exitOverride()
    .showSuggestionAfterError()
    .addHelpText('after', OVERVIEW);
  registerSubscriberCommands(program);
  registerDeliveryCommands(program);
  registerEventCommands(program);
  registerMessageCommands(program);
  registerPaymentCommands(program);
  registerLifecycleCommands(program);
  registerSimulateCommands(program);
  registerProviderCommands(program);
  registerMigrateCommand(program);
  return program;
}

/** Runs one command line and returns the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    return 0;
  } catch (error) {
    // Commander has already printed its message (or the help it was asked for).
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      process.stderr.write(`error: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`error: ${describeError(error)}\n`);
    return EXIT_FAILURE;
  }
}
