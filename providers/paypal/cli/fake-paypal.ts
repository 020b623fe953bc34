// `fake-paypal`: PayPal on this machine, for end-to-end runs without PayPal: the IPN postback
// endpoint, and a webhook signing certificate from a development CA (made on first run).
import { type Command, Option } from 'commander';
import { CliError, describeError } from '../../../src/cli/cli-error';
import { integerIn } from '../../../src/cli/options';
import { examples } from '../../../src/cli/output/help';
import { printLine } from '../../../src/cli/output/print';
import { DEFAULT_DEV_DIR, DEV_CERT_PATH, DEV_WEBHOOK_ID, ensureDevFiles } from '../simulator/dev-files';
import {
  type FakePaypalServer,
  type PostbackRecord,
  startFakePaypalServer,
} from '../simulator/fake-paypal-server';
import { DEFAULT_SIMULATOR_KEY } from '../simulator/simulator-signature';

interface FakePaypalOptions {
  host: string;
  port: number;
  key: string;
  certsDir: string;
  quiet?: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** A field straight from the raw body, for the log line only (the ids are ASCII). */
function rawField(body: Buffer, name: string): string | null {
  const pair = body
    .toString('latin1')
    .split('&')
    .find((candidate) => candidate.startsWith(`${name}=`));
  return pair === undefined ? null : pair.slice(name.length + 1) || null;
}

function logPostback({ verdict, body }: PostbackRecord): void {
  const kind = rawField(body, 'txn_type') ?? rawField(body, 'payment_status') ?? 'unknown kind';
  const id =
    rawField(body, 'txn_id') ?? rawField(body, 'recurring_payment_id') ?? rawField(body, 'subscr_id') ?? '-';
  printLine(`${new Date().toISOString()} ${verdict.padEnd(8)} ${kind} ${id}`);
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

export function registerFakePaypalCommand(program: Command): void {
  program
    .command('fake-paypal')
    .description(
      'run a local stand-in for PayPal: the IPN postback endpoint and a webhook signing certificate',
    )
    .option('--host <host>', 'interface to listen on (loopback unless you mean otherwise)', '127.0.0.1')
    .addOption(new Option('--port <port>', 'port to listen on').argParser(integerIn(0, 65_535)).default(4100))
    .addOption(
      new Option('--key <key>', 'simulator key (must match simulate paypal)')
        .env('SIMULATOR_KEY')
        .default(DEFAULT_SIMULATOR_KEY, 'the built-in dev key'),
    )
    .addOption(
      new Option('--certs-dir <dir>', 'where the development CA, chain and signing key are kept')
        .env('FAKE_PAYPAL_DIR')
        .default(DEFAULT_DEV_DIR),
    )
    .option('--quiet', 'do not log each verification')
    .addHelpText(
      'after',
      '\nAnswers VERIFIED when the body is `cmd=_notify-validate&` followed by an unaltered message from\n' +
        '`simulate paypal` signed with the same key, INVALID otherwise. Serves a webhook signing\n' +
        'certificate for `simulate paypal-webhook`; the gateway trusts it through the CA file it prints.\n' +
        'Stop it with Ctrl-C.' +
        examples(
          'ipn-gateway fake-paypal',
          'PAYPAL_MODE=sandbox PAYPAL_VERIFY_URL=http://127.0.0.1:4100/cgi-bin/webscr npm start',
          'ipn-gateway simulate paypal --type subscription.payment_succeeded',
        ),
    )
    .action(async (options: FakePaypalOptions) => {
      let server: FakePaypalServer;
      const certificates = ensureDevFiles(options.certsDir);
      try {
        server = await startFakePaypalServer({
          host: options.host,
          port: options.port,
          key: options.key,
          onPostback: options.quiet ? undefined : logPostback,
          certificateChain: certificates.chainPem,
          certificatePath: DEV_CERT_PATH,
        });
      } catch (error) {
        throw new CliError(`cannot listen on ${options.host}:${options.port}: ${describeError(error)}`);
      }
      if (!LOOPBACK.has(options.host)) {
        process.stderr.write(
          `warning: listening on ${options.host}, beyond loopback: anyone who reaches it gets answers for this key\n`,
        );
      }
      printLine(`fake PayPal postback endpoint listening on ${server.url}`);
      printLine(`webhook signing certificate: ${server.certificateUrl}`);
      printLine(`CA file (for PAYPAL_WEBHOOK_CA_FILE): ${certificates.caFile}`);
      printLine('run the gateway with:');
      printLine(
        `  PAYPAL_MODE=sandbox PAYPAL_VERIFY_URL=${server.url} PAYPAL_WEBHOOK_ID=${DEV_WEBHOOK_ID} ` +
          `PAYPAL_WEBHOOK_CERT_URL_PREFIXES=${server.base} PAYPAL_WEBHOOK_CA_FILE=${certificates.caFile}`,
      );
      const signal = await untilSignal();
      printLine(`${signal}: stopping`);
      await server.close();
    });
}
