// `events list`: the shared payment events the gateway made.
import { type Command, Option } from 'commander';
import { PROVIDER_IDS } from '../../../providers/index';
import { EVENT_TYPES } from '../../../providers/types';
import type { Page, PaymentEvent } from '../admin/resources';
import {
  type AdminOptions,
  adminClient,
  cursorOption,
  jsonOption,
  limitOption,
  type PageOptions,
  providerOption,
} from '../options';
import { examples } from '../output/help';
import { printPage } from '../output/print';
import { type Column, shortTime } from '../output/table';
import { adminCommand } from './admin-command';

interface EventListOptions extends AdminOptions, PageOptions {
  type?: string;
  provider?: string;
}

const EVENT_COLUMNS: readonly Column<PaymentEvent>[] = [
  { header: 'ID', value: (e) => e.id },
  { header: 'TYPE', value: (e) => (e.superseded ? `${e.type} (superseded)` : e.type) },
  { header: 'PROVIDER', value: (e) => e.provider },
  { header: 'LIVE', value: (e) => (e.livemode ? 'yes' : 'no') },
  {
    header: 'AMOUNT',
    value: (e) => (e.data.amount === null ? null : `${e.data.amount} ${e.data.currency ?? ''}`.trim()),
  },
  { header: 'TRANSACTION', value: (e) => e.data.transaction_id ?? e.data.subscription_id },
  { header: 'CUSTOMER', value: (e) => e.data.customer.email, maxWidth: 32 },
  { header: 'OCCURRED', value: (e) => shortTime(e.occurred_at) },
];

export function registerEventCommands(program: Command): void {
  const events = program.command('events').description('the shared payment events the gateway made');
  adminCommand(events, 'list', 'list events, newest first')
    .addOption(new Option('--type <type>', 'only events of this type').choices(EVENT_TYPES))
    .addOption(providerOption('events'))
    .addOption(limitOption())
    .addOption(cursorOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples(
        'ipn-gateway events list',
        `ipn-gateway events list --type payment.refunded --provider ${PROVIDER_IDS[0]} --json`,
      ),
    )
    .action(async (options: EventListOptions) => {
      const page = await adminClient(options).get<Page<PaymentEvent>>('/events', {
        type: options.type,
        provider: options.provider,
        limit: options.limit,
        cursor: options.cursor,
      });
      printPage(page, EVENT_COLUMNS, options.json === true, 'events');
    });
}
