// `subscribers add|list|remove|rotate-secret`: the endpoints events are delivered to.
import { type Command, Option } from 'commander';
import { PROVIDER_IDS } from '../../../providers/index';
import type { CreatedSubscriber, Page, RotatedSecret, Subscriber } from '../admin/resources';
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

interface AddOptions extends AdminOptions {
  description?: string;
  eventTypes?: string[];
  providers?: string[];
  accounts?: string[];
  format?: 'event' | 'raw';
  disabled?: boolean;
  json?: boolean;
}

const COLUMNS: readonly Column<Subscriber>[] = [
  { header: 'ID', value: (s) => s.id },
  { header: 'ENABLED', value: (s) => (s.enabled ? 'yes' : 'no') },
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

  adminCommand(subscribers, 'add <url>', 'add a subscriber; prints its id and its whsec_ signing secret')
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
