// `simulate 2checkout`: signed IPNs/LCNs posted to the gateway, each read receipt checked.
import { type Command, Option } from 'commander';
import { CliError, EXIT_USAGE } from '../../../src/cli/cli-error';
import { gatewayUrlOption, integerIn } from '../../../src/cli/options';
import { examples } from '../../../src/cli/output/help';
import { printLine } from '../../../src/cli/output/print';
import { accountSetting } from '../../../src/cli/simulate/account-settings';
import type { SignatureAlgorithm } from '../signature';
import { sendTwocheckoutMessages, type TwocheckoutSendResult } from '../simulator/send-twocheckout';
import { randomTwocheckoutIds } from '../simulator/twocheckout-ids';
import {
  buildTwocheckoutMessage,
  SIGNATURE_ALGORITHMS,
  TWOCHECKOUT_EVENT_TYPES,
  TWOCHECKOUT_TYPES,
  type TwocheckoutEventType,
} from '../simulator/twocheckout-message';

interface SimulateTwocheckoutOptions {
  type: TwocheckoutEventType;
  url: string;
  secretKey?: string;
  algorithm: SignatureAlgorithm | 'all';
  count: number;
  live?: boolean;
  dryRun?: boolean;
  account: string;
}

function typeList(): string {
  const lines = TWOCHECKOUT_EVENT_TYPES.map(
    (type) => `  ${type.padEnd(20)} ${TWOCHECKOUT_TYPES[type].summary}`,
  );
  return `\nTypes:\n${lines.join('\n')}`;
}

function report(result: TwocheckoutSendResult, index: number, count: number): void {
  const { message } = result;
  const reference =
    message.kind === 'ipn' ? `REFNO ${message.fields.find(([name]) => name === 'REFNO')?.[1]}` : 'LCN';
  const receipt = result.receipt.ok
    ? `receipt OK (${result.receipt.algorithm})`
    : `receipt problem: ${result.receipt.problem}`;
  const answer = result.status === 200 ? '' : `; answer: ${result.answer.trim().slice(0, 200)}`;
  printLine(
    `[${index + 1}/${count}] 2checkout ${message.expectedType} (${reference}) -> ${result.status}, ${receipt}${answer}`,
  );
}

export function registerSimulateTwocheckout(simulate: Command): void {
  simulate
    .command('2checkout')
    .description('post signed 2Checkout IPNs (or LCNs) to the gateway and check each read receipt')
    .addOption(
      new Option('--type <type>', 'event type to send')
        .choices(TWOCHECKOUT_EVENT_TYPES)
        .default('payment.completed'),
    )
    .addOption(gatewayUrlOption())
    .addOption(
      new Option('--secret-key <key>', "the account's secret key (the gateway's)").env(
        'TWOCHECKOUT_SECRET_KEY',
      ),
    )
    .addOption(
      new Option('--algorithm <algorithm>', 'signature fields to send; the receipt must use the strongest')
        .choices([...SIGNATURE_ALGORITHMS, 'all'])
        .default('all'),
    )
    .addOption(
      new Option('--count <n>', 'how many messages, each with a fresh REFNO')
        .argParser(integerIn(1, 10_000))
        .default(1),
    )
    .option(
      '--account <name>',
      "post to this account's endpoints (/ipn/2checkout/<name>), signed with its secret_key from ACCOUNTS_FILE",
      'default',
    )
    .option('--live', 'send TEST_ORDER=0 / TEST=0 instead of test notifications')
    .option('--dry-run', 'print the body instead of sending it')
    .addHelpText('after', typeList())
    .addHelpText(
      'after',
      examples(
        'TWOCHECKOUT_SECRET_KEY=AABBCCDDEEFF ipn-gateway simulate 2checkout --type payment.completed',
        'ipn-gateway simulate 2checkout --type payment.refunded --algorithm md5 --secret-key AABBCCDDEEFF',
        'ipn-gateway simulate 2checkout --type license.changed --count 3',
        'ACCOUNTS_FILE=accounts.json ipn-gateway simulate 2checkout --account shop-eu',
      ),
    )
    .action(async (options: SimulateTwocheckoutOptions, command: Command) => {
      // Another account signs with its own key, unless one was given on the command line.
      if (options.account !== 'default' && command.getOptionValueSource('secretKey') !== 'cli') {
        options.secretKey = accountSetting('2checkout', options.account, 'secret_key');
      }
      if (!options.secretKey) {
        throw new CliError(
          'no secret key: set TWOCHECKOUT_SECRET_KEY or pass --secret-key <key>',
          EXIT_USAGE,
        );
      }
      const settings = {
        type: options.type,
        secretKey: options.secretKey,
        algorithms: options.algorithm === 'all' ? SIGNATURE_ALGORITHMS : [options.algorithm],
        test: options.live !== true,
      };
      if (options.dryRun) {
        for (let sequence = 0; sequence < options.count; sequence++) {
          const message = buildTwocheckoutMessage({
            ...settings,
            ids: randomTwocheckoutIds(),
            now: new Date(),
            sequence,
          });
          printLine(message.body.toString('latin1'));
        }
        return;
      }
      let sent = 0;
      const results = await sendTwocheckoutMessages(
        { ...settings, gatewayUrl: options.url, count: options.count, account: options.account },
        (result) => report(result, sent++, options.count),
      );
      const failed = results.filter((result) => !result.ok).length;
      if (failed > 0) {
        throw new CliError(
          `${failed} of ${results.length} 2Checkout messages were not accepted with a valid receipt`,
        );
      }
    });
}
