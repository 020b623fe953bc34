// `simulate paypal-webhook`: PayPal REST webhooks signed with the development certificate that
// `fake-paypal` serves, posted to /webhooks/paypal (or an account's /webhooks/paypal/<name>).
import { type Command, InvalidArgumentError, Option } from 'commander';
import { CliError, EXIT_USAGE } from '../../../src/cli/cli-error';
import { gatewayUrlOption, httpUrl, integerIn } from '../../../src/cli/options';
import { examples } from '../../../src/cli/output/help';
import { printLine } from '../../../src/cli/output/print';
import { endpointUrl, postBody } from '../../../src/cli/simulate/post-form';
import { accountPath } from '../../../src/providers/provider-instances';
import type { EventType } from '../../types';
import { DEFAULT_DEV_DIR, DEV_CERT_PATH, DEV_WEBHOOK_ID, readDevFiles } from '../simulator/dev-files';
import { signWebhook } from '../simulator/sign-webhook';
import { buildWebhookBody, WEBHOOK_EVENT_TYPES, WEBHOOK_TEMPLATES } from '../simulator/webhook-message';

interface SimulateWebhookOptions {
  type: EventType;
  url: string;
  webhookId: string;
  fakePaypal: string;
  certsDir: string;
  account: string;
  amount: string;
  currency: string;
  count: number;
}

function amountArgument(text: string): string {
  if (!/^\d+(\.\d{1,2})?$/.test(text)) throw new InvalidArgumentError('expected an amount like 12.34');
  return text;
}

function typeList(): string {
  const lines = WEBHOOK_EVENT_TYPES.map(
    (type) => `  ${type.padEnd(30)} ${WEBHOOK_TEMPLATES[type]?.eventType}`,
  );
  return `\nTypes:\n${lines.join('\n')}`;
}

export function registerSimulatePaypalWebhook(simulate: Command): void {
  simulate
    .command('paypal-webhook')
    .description('post PayPal REST webhooks to the gateway, signed with the certificate fake-paypal serves')
    .addOption(
      new Option('--type <type>', 'event type to send')
        .choices(WEBHOOK_EVENT_TYPES)
        .default('payment.completed'),
    )
    .addOption(gatewayUrlOption())
    .addOption(
      new Option('--webhook-id <id>', "the gateway's PAYPAL_WEBHOOK_ID (part of what is signed)")
        .env('PAYPAL_WEBHOOK_ID')
        .default(DEV_WEBHOOK_ID),
    )
    .addOption(
      new Option('--fake-paypal <url>', 'base URL of fake-paypal (serves the certificate)')
        .default('http://127.0.0.1:4100')
        .argParser(httpUrl),
    )
    .addOption(
      new Option('--certs-dir <dir>', "fake-paypal's certificate folder (holds the signing key)")
        .env('FAKE_PAYPAL_DIR')
        .default(DEFAULT_DEV_DIR),
    )
    .option('--account <name>', "post to this account's endpoint (/webhooks/paypal/<name>)", 'default')
    .addOption(
      new Option('--amount <amount>', 'amount, e.g. 20.00').argParser(amountArgument).default('20.00'),
    )
    .option('--currency <code>', '3-letter currency code', 'USD')
    .addOption(
      new Option('--count <n>', 'how many webhooks, each with fresh ids')
        .argParser(integerIn(1, 10_000))
        .default(1),
    )
    .addHelpText('after', typeList())
    .addHelpText(
      'after',
      examples(
        'ipn-gateway fake-paypal &   # then start the gateway with the env line it prints',
        'ipn-gateway simulate paypal-webhook --type payment.completed',
        'ipn-gateway simulate paypal-webhook --type payment.refunded --amount 5.00 --account main',
      ),
    )
    .action(async (options: SimulateWebhookOptions) => {
      const files = readDevFiles(options.certsDir);
      if (files === null) {
        throw new CliError(
          `no development certificate in ${options.certsDir}: start \`ipn-gateway fake-paypal\` first`,
          EXIT_USAGE,
        );
      }
      const certUrl = endpointUrl(options.fakePaypal, DEV_CERT_PATH);
      const url = endpointUrl(options.url, accountPath('/webhooks/paypal', options.account));
      let failed = 0;
      for (let index = 0; index < options.count; index++) {
        const { body, ids, eventType } = buildWebhookBody({
          type: options.type,
          amount: options.amount,
          currency: options.currency.toUpperCase(),
        });
        const headers = signWebhook({ body, webhookId: options.webhookId, keyPem: files.keyPem, certUrl });
        const answer = await postBody(url, body, { ...headers, 'user-agent': 'PayPal/AUHR-214.0-58381432' });
        const ok = answer.status === 200;
        if (!ok) failed++;
        const detail = ok
          ? 'stored and verified (or queued)'
          : `NOT accepted: ${answer.body.trim().slice(0, 200)}`;
        printLine(
          `[${index + 1}/${options.count}] paypal ${eventType} (${ids.webhookId}) -> ${answer.status} ${detail}`,
        );
      }
      if (failed > 0) throw new CliError(`${failed} of ${options.count} webhooks were not accepted`);
    });
}
