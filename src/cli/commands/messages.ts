// `messages list`: every inbound provider request, accepted or not, and what became of it.
import { type Command, Option } from 'commander';
import { MESSAGE_KINDS, PROVIDER_IDS } from '../../../providers/index';
import type { InboundMessage, Page } from '../admin/resources';
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

interface MessageListOptions extends AdminOptions, PageOptions {
  status?: string;
  provider?: string;
  kind?: string;
}

const MESSAGE_COLUMNS: readonly Column<InboundMessage>[] = [
  { header: 'ID', value: (m) => m.id },
  { header: 'PROVIDER', value: (m) => m.provider },
  { header: 'KIND', value: (m) => m.kind },
  { header: 'STATUS', value: (m) => m.status },
  { header: 'RECEIVED', value: (m) => shortTime(m.received_at) },
  { header: 'EVENT', value: (m) => m.event_id },
  { header: 'REASON', value: (m) => m.reason, maxWidth: 60 },
];

export function registerMessageCommands(program: Command): void {
  const messages = program
    .command('messages')
    .description('inbound provider requests, accepted or not, with their verification status');
  adminCommand(messages, 'list', 'list inbound messages, newest first')
    .addOption(
      new Option('--status <status>', 'only this status').choices([
        'pending',
        'verified',
        'invalid',
        'rejected',
        'duplicate',
      ]),
    )
    .addOption(providerOption('messages'))
    .addOption(new Option('--kind <kind>', 'only this kind').choices([...MESSAGE_KINDS]))
    .addOption(limitOption())
    .addOption(cursorOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples(
        'ipn-gateway messages list --status invalid',
        `ipn-gateway messages list --provider ${PROVIDER_IDS[0]}`,
      ),
    )
    .action(async (options: MessageListOptions) => {
      const page = await adminClient(options).get<Page<InboundMessage>>('/messages', {
        status: options.status,
        provider: options.provider,
        kind: options.kind,
        limit: options.limit,
        cursor: options.cursor,
      });
      printPage(page, MESSAGE_COLUMNS, options.json === true, 'messages');
    });
}
