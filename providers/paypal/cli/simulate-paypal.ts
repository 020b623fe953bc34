// `simulate paypal`: realistic IPNs with a simulator verify_sign, posted to /ipn/paypal.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { CliError } from '../../../src/cli/cli-error';
import { gatewayUrlOption, integerIn } from '../../../src/cli/options';
import { examples } from '../../../src/cli/output/help';
import { printLine } from '../../../src/cli/output/print';
import { isKnownCharset } from '../../../src/cli/simulate/form-encoding';
import { parseAmount } from '../../../src/cli/simulate/money';
import { randomPaypalIds } from '../simulator/paypal-ids';
import { buildPaypalMessage, DEFAULT_RECEIVER_EMAIL } from '../simulator/paypal-message';
import { findPaypalTemplate, PAYPAL_TEMPLATES, type PaypalTemplate } from '../simulator/paypal-templates';
import { type PaypalSendResult, sendPaypalMessages } from '../simulator/send-paypal';
import { DEFAULT_SIMULATOR_KEY } from '../simulator/simulator-signature';

interface SimulatePaypalOptions {
  type: PaypalTemplate;
  url: string;
  count: number;
  receiverEmail: string;
  amount: number;
  currency: string;
  charset: string;
  key: string;
  live?: boolean;
  dryRun?: boolean;
}

function templateArgument(text: string): PaypalTemplate {
  const template = findPaypalTemplate(text);
  if (!template) throw new InvalidArgumentError('unknown type; see the list in --help');
  return template;
}

function amountArgument(text: string): number {
  const cents = parseAmount(text);
  if (cents === null) throw new InvalidArgumentError('expected a positive amount like 12.34');
  return cents;
}

function currencyArgument(text: string): string {
  if (!/^[A-Za-z]{3}$/.test(text))
    throw new InvalidArgumentError('expected a 3-letter currency code like USD');
  return text.toUpperCase();
}

function charsetArgument(text: string): string {
  if (!isKnownCharset(text)) throw new InvalidArgumentError('unknown charset (try windows-1252 or UTF-8)');
  return text;
}

function typeList(): string {
  const lines = PAYPAL_TEMPLATES.map(
    (template) => `  ${template.name.padEnd(54)} ${template.eventType.padEnd(31)} ${template.summary}`,
  );
  return `\nTypes (an event type picks the first message kind that makes it):\n${lines.join('\n')}`;
}

function report(result: PaypalSendResult, index: number, count: number): void {
  const { message } = result;
  const id = message.txnId ? `txn_id ${message.txnId}` : 'no txn_id';
  const outcome = result.ok
    ? `${result.status} stored; ${message.expectedType} once PayPal (or fake-paypal) answers VERIFIED`
    : `${result.status} NOT accepted${result.answer ? `: ${result.answer.trim().slice(0, 200)}` : ''}`;
  printLine(`[${index + 1}/${count}] paypal ${message.template} (${id}) -> ${outcome}`);
}

export function registerSimulatePaypal(simulate: Command): void {
  simulate
    .command('paypal')
    .description('post realistic PayPal IPNs to the gateway, signed for fake-paypal')
    .addOption(
      new Option('--type <type>', 'event type or message kind (txn_type) to send')
        .argParser(templateArgument)
        .default(templateArgument('payment.completed'), 'payment.completed'),
    )
    .addOption(gatewayUrlOption())
    .addOption(
      new Option('--count <n>', 'how many messages, each with fresh ids')
        .argParser(integerIn(1, 10_000))
        .default(1),
    )
    .option('--receiver-email <email>', 'receiver_email / business of the merchant', DEFAULT_RECEIVER_EMAIL)
    .addOption(
      new Option('--amount <amount>', 'payment amount').argParser(amountArgument).default(2500, '25.00'),
    )
    .addOption(new Option('--currency <code>', 'currency code').argParser(currencyArgument).default('USD'))
    .addOption(
      new Option('--charset <charset>', 'charset of the body (windows-1252 or UTF-8)')
        .argParser(charsetArgument)
        .default('windows-1252'),
    )
    .addOption(
      new Option('--key <key>', 'simulator key for verify_sign (must match fake-paypal)')
        .env('SIMULATOR_KEY')
        .default(DEFAULT_SIMULATOR_KEY, 'the built-in dev key'),
    )
    .option('--live', 'leave out test_ipn=1 (for a gateway in PAYPAL_MODE=live)')
    .option('--dry-run', 'print the body instead of sending it')
    .addHelpText('after', typeList())
    .addHelpText(
      'after',
      examples(
        'ipn-gateway fake-paypal &   # then start the gateway with the env line it prints',
        'ipn-gateway simulate paypal --type payment.completed',
        'ipn-gateway simulate paypal --type cart --count 5 --amount 59.97 --currency EUR --charset UTF-8',
        'ipn-gateway simulate paypal --type new_case --url http://127.0.0.1:3000',
      ),
    )
    .action(async (options: SimulatePaypalOptions) => {
      const settings = {
        template: options.type,
        key: options.key,
        receiverEmail: options.receiverEmail,
        amountCents: options.amount,
        currency: options.currency,
        charset: options.charset,
        sandbox: options.live !== true,
      };
      if (options.dryRun) {
        for (let sequence = 0; sequence < options.count; sequence++) {
          const message = buildPaypalMessage({
            ...settings,
            ids: randomPaypalIds(),
            now: new Date(),
            sequence,
          });
          printLine(message.body.toString('latin1'));
        }
        return;
      }
      let sent = 0;
      const results = await sendPaypalMessages(
        { ...settings, gatewayUrl: options.url, count: options.count },
        (result) => report(result, sent++, options.count),
      );
      const failed = results.filter((result) => !result.ok).length;
      if (failed > 0) throw new CliError(`${failed} of ${results.length} PayPal messages were not accepted`);
    });
}
