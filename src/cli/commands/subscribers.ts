// `subscribers add|list|show|set|enable|disable|test|recover|remove|rotate-secret`: the endpoints
// events are delivered to.
import { type Command, Option } from 'commander';
import { PROVIDER_IDS } from '../../../providers/index';
import { parseDuration } from '../../config/duration';
import type { CreatedSubscriber, Page, PingResult, RotatedSecret, Subscriber } from '../admin/resources';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from '../cli-error';
import {
  type AdminOptions,
  adminClient,
  commaList,
  cursorOption,
  jsonOption,
  limitOption,
  type PageOptions,
} from '../options';
import { examples } from '../output/help';
import { printJson, printLine, printPage } from '../output/print';
import { type Column, shortTime } from '../output/table';
import { adminCommand } from './admin-command';
import { addOptionFlags, optionFields, type SubscriberOptionFlags } from './subscriber-options';

interface AddOptions extends AdminOptions, SubscriberOptionFlags {
  description?: string;
  eventTypes?: string[];
  providers?: string[];
  accounts?: string[];
  format?: 'event' | 'raw';
  disabled?: boolean;
  json?: boolean;
}

/** `failing`, or `disabled (failing)` / `disabled (manual)`. */
export function stateText(subscriber: Subscriber): string {
  return subscriber.disabled_reason
    ? `${subscriber.state} (${subscriber.disabled_reason})`
    : subscriber.state;
}

/** `2h`, `3d` (that long ago) or a date/time → ISO instant. */
function pointInTime(option: string, text: string): string {
  const ago = parseDuration(text);
  if (ago !== null) return new Date(Date.now() - ago).toISOString();
  const at = Date.parse(text);
  if (Number.isNaN(at)) {
    throw new CliError(`${option} "${text}" is neither a duration like 2h or 3d nor a date/time`, EXIT_USAGE);
  }
  return new Date(at).toISOString();
}

const COLUMNS: readonly Column<Subscriber>[] = [
  { header: 'ID', value: (s) => s.id },
  { header: 'STATE', value: stateText },
  { header: 'FORMAT', value: (s) => s.format },
  {
    header: 'EVENT TYPES',
    value: (s) => (s.event_types.length > 0 ? s.event_types.join(',') : 'all'),
    maxWidth: 40,
  },
  { header: 'PROVIDERS', value: (s) => (s.providers.length > 0 ? s.providers.join(',') : 'all') },
  { header: 'CREATED', value: (s) => shortTime(s.created_at) },
  { header: 'URL', value: (s) => s.url, maxWidth: 60 },
  { header: 'DESCRIPTION', value: (s) => s.description, maxWidth: 40 },
];

export function registerSubscriberCommands(program: Command): void {
  const subscribers = program
    .command('subscribers')
    .description('manage the subscriber URLs events are delivered to (at most 4 enabled)');

  addOptionFlags(
    adminCommand(subscribers, 'add <url>', 'add a subscriber; prints its id and its whsec_ signing secret'),
  )
    .option('--description <text>', 'what the subscriber is')
    .option(
      '--event-types <types>',
      'comma list of event types or families like payment.* (default: all)',
      commaList,
    )
    .option('--providers <ids>', `comma list: ${PROVIDER_IDS.join(', ')} (default: all)`, commaList)
    .option(
      '--accounts <names>',
      'comma list of provider accounts, e.g. shop-eu,default (default: all)',
      commaList,
    )
    .addOption(
      new Option(
        '--format <format>',
        'event: the shared JSON event; raw: the provider body as received',
      ).choices(['event', 'raw']),
    )
    .option('--disabled', 'create it disabled')
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples(
        'ipn-gateway subscribers add https://billing.internal.example/webhooks/payments',
        `ipn-gateway subscribers add https://crm.internal.example/hook --event-types 'subscription.*,dispute.opened' --providers ${PROVIDER_IDS[0]}`,
        'ipn-gateway subscribers add https://eu-shop.internal.example/hook --accounts shop-eu',
        'ipn-gateway subscribers add http://legacy.internal.example/ipn.php --format raw --description "old IPN listener"',
      ),
    )
    .action(async (url: string, options: AddOptions) => {
      const created = await adminClient(options).post<CreatedSubscriber>('/subscribers', {
        url,
        description: options.description,
        event_types: options.eventTypes,
        providers: options.providers,
        accounts: options.accounts,
        format: options.format,
        enabled: options.disabled ? false : undefined,
        ...optionFields(options),
      });
      if (options.json) return printJson(created);
      printLine(`created subscriber ${created.id}`);
      printLine(`  url:    ${created.url}`);
      printLine(`  secret: ${created.secret}`);
      printLine('  (verify the webhook-signature header of each delivery with this secret)');
    });

  adminCommand(subscribers, 'list', 'list subscribers, newest first')
    .addOption(limitOption())
    .addOption(cursorOption())
    .addOption(jsonOption())
    .addHelpText('after', examples('ipn-gateway subscribers list', 'ipn-gateway subscribers list --json'))
    .action(async (options: AdminOptions & PageOptions) => {
      const page = await adminClient(options).get<Page<Subscriber>>('/subscribers', {
        limit: options.limit,
        cursor: options.cursor,
      });
      printPage(page, COLUMNS, options.json === true, 'subscribers');
    });

  adminCommand(subscribers, 'show <id>', 'show one subscriber: state, filters and delivery options')
    .addOption(jsonOption())
    .action(async (id: string, options: AdminOptions & { json?: boolean }) => {
      const subscriber = await adminClient(options).get<Subscriber>(`/subscribers/${encodeURIComponent(id)}`);
      if (options.json) return printJson(subscriber);
      printSubscriber(subscriber);
    });

  addOptionFlags(
    adminCommand(subscribers, 'set <id>', "change a subscriber's URL, description or delivery options"),
  )
    .option('--target <url>', 'a new URL to deliver to')
    .option('--description <text>', 'what the subscriber is')
    .option('--no-rate-limit', 'remove the rate limit')
    .option('--clear-headers', 'remove every static header')
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples(
        "ipn-gateway subscribers set sub_01JD5Q8Z3R4B9T6W2X7Y0KMN1P --rate-limit 50 --header 'X-Api-Key: s3cret'",
        'ipn-gateway subscribers set sub_01JD5Q8Z3R4B9T6W2X7Y0KMN1P --ordering transaction --livemode live',
      ),
    )
    .action(
      async (
        id: string,
        options: AdminOptions &
          Omit<SubscriberOptionFlags, 'rateLimit'> & {
            target?: string;
            description?: string;
            rateLimit?: number | false;
            json?: boolean;
          },
      ) => {
        // commander turns --no-rate-limit into rateLimit: false.
        const flags = {
          ...options,
          rateLimit: options.rateLimit || undefined,
          noRateLimit: options.rateLimit === false,
        };
        const updated = await adminClient(options).patch<Subscriber>(
          `/subscribers/${encodeURIComponent(id)}`,
          {
            url: options.target,
            description: options.description,
            ...optionFields(flags),
          },
        );
        if (options.json) return printJson(updated);
        printSubscriber(updated);
      },
    );

  for (const [action, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    adminCommand(
      subscribers,
      `${action} <id>`,
      enabled
        ? 'enable a subscriber (also after it was disabled for failing)'
        : 'stop delivering to a subscriber',
    ).action(async (id: string, options: AdminOptions) => {
      const updated = await adminClient(options).patch<Subscriber>(`/subscribers/${encodeURIComponent(id)}`, {
        enabled,
      });
      printLine(`${updated.id} is now ${stateText(updated)}`);
    });
  }

  adminCommand(
    subscribers,
    'test <id>',
    'send a signed gateway.ping to a subscriber now and show the outcome',
  )
    .addOption(jsonOption())
    .addHelpText('after', examples('ipn-gateway subscribers test sub_01JD5Q8Z3R4B9T6W2X7Y0KMN1P'))
    .action(async (id: string, options: AdminOptions & { json?: boolean }) => {
      const result = await adminClient(options).post<PingResult>(
        `/subscribers/${encodeURIComponent(id)}/test`,
      );
      if (options.json) printJson(result);
      else {
        const answer = result.status_code === null ? 'no response' : `HTTP ${result.status_code}`;
        printLine(`${result.error === null ? 'ok' : 'failed'}: ${answer} in ${result.duration_ms} ms`);
        if (result.error) printLine(`  error: ${result.error}`);
        if (result.response_body) printLine(`  response: ${result.response_body.slice(0, 500)}`);
      }
      if (result.error !== null) throw new CliError(`the test event failed: ${result.error}`, EXIT_FAILURE);
    });

  adminCommand(
    subscribers,
    'recover <id>',
    'deliver again, in received order, the events a subscriber missed',
  )
    .requiredOption('--since <when>', 'events received since: a duration ago (2h, 3d) or a date/time')
    .option('--until <when>', '...and before: a duration ago or a date/time (default: now)')
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples(
        'ipn-gateway subscribers recover sub_01JD5Q8Z3R4B9T6W2X7Y0KMN1P --since 2h',
        'ipn-gateway subscribers recover sub_01JD5Q8Z3R4B9T6W2X7Y0KMN1P --since 2026-11-20T00:00:00Z --until 2026-11-21T00:00:00Z',
      ),
    )
    .action(async (id: string, options: AdminOptions & { since: string; until?: string; json?: boolean }) => {
      const body = {
        since: pointInTime('--since', options.since),
        until: options.until === undefined ? undefined : pointInTime('--until', options.until),
      };
      const result = await adminClient(options).post<{ deliveries: number }>(
        `/subscribers/${encodeURIComponent(id)}/recover`,
        body,
      );
      if (options.json) return printJson(result);
      printLine(`queued ${result.deliveries} deliveries to ${id}, in the order the events were received`);
    });

  adminCommand(subscribers, 'remove <id>', 'remove a subscriber (its past deliveries stay visible)')
    .addHelpText('after', examples('ipn-gateway subscribers remove sub_01JD5Q8Z3R4B9T6W2X7Y0KMN1P'))
    .action(async (id: string, options: AdminOptions) => {
      await adminClient(options).delete(`/subscribers/${encodeURIComponent(id)}`);
      printLine(`removed subscriber ${id}`);
    });

  adminCommand(
    subscribers,
    'rotate-secret <id>',
    'replace the signing secret (the old one keeps signing for 24 h)',
  )
    .addOption(jsonOption())
    .addHelpText('after', examples('ipn-gateway subscribers rotate-secret sub_01JD5Q8Z3R4B9T6W2X7Y0KMN1P'))
    .action(async (id: string, options: AdminOptions & { json?: boolean }) => {
      const rotated = await adminClient(options).post<RotatedSecret>(
        `/subscribers/${encodeURIComponent(id)}/rotate-secret`,
      );
      if (options.json) return printJson(rotated);
      printLine(`new secret for ${id}: ${rotated.secret}`);
      printLine(
        `  the previous secret also signs deliveries until ${shortTime(rotated.previous_secret_expires_at)}`,
      );
    });
}

function printSubscriber(subscriber: Subscriber): void {
  const headers = Object.keys(subscriber.headers).sort();
  printLine(`${subscriber.id}  ${stateText(subscriber)}`);
  if (subscriber.state === 'failing' && subscriber.failing_since) {
    printLine(`  failing since: ${shortTime(subscriber.failing_since)}`);
  }
  printLine(`  url:          ${subscriber.url}`);
  if (subscriber.description) printLine(`  description:  ${subscriber.description}`);
  printLine(`  format:       ${subscriber.format}`);
  printLine(`  event types:  ${subscriber.event_types.join(',') || 'all'}`);
  printLine(`  providers:    ${subscriber.providers.join(',') || 'all'}`);
  printLine(`  livemode:     ${subscriber.livemode}`);
  printLine(`  ordering:     ${subscriber.ordering}`);
  printLine(`  rate limit:   ${subscriber.rate_limit === null ? 'none' : `${subscriber.rate_limit}/s`}`);
  printLine(`  headers:      ${headers.length > 0 ? headers.join(', ') : 'none'}`);
}
