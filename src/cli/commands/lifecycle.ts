// `erasures create` and `audit-log list`: data-subject erasure and who did what.
import { type Command, Option } from 'commander';
import type { Page } from '../admin/resources';
import {
  type AdminOptions,
  adminClient,
  cursorOption,
  jsonOption,
  limitOption,
  type PageOptions,
} from '../options';
import { examples } from '../output/help';
import { printJson, printLine, printPage } from '../output/print';
import { type Column, shortTime } from '../output/table';
import { adminCommand } from './admin-command';

interface ErasureOptions extends AdminOptions {
  email: string;
  json?: boolean;
}

interface ErasureResult {
  messages: number;
  events: number;
}

interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

const AUDIT_COLUMNS: readonly Column<AuditEntry>[] = [
  { header: 'AT', value: (entry) => shortTime(entry.at) },
  { header: 'ACTOR', value: (entry) => entry.actor },
  { header: 'ACTION', value: (entry) => entry.action },
  { header: 'TARGET', value: (entry) => entry.target },
  { header: 'DETAILS', value: (entry) => JSON.stringify(entry.details), maxWidth: 60 },
];

export function registerLifecycleCommands(program: Command): void {
  const erasures = program.command('erasures').description("erase a customer's personal data");
  adminCommand(
    erasures,
    'create',
    'erase the raw data and customer fields of every message and event of an email',
  )
    .addOption(new Option('--email <address>', 'the customer email').makeOptionMandatory())
    .addOption(jsonOption())
    .addHelpText('after', examples('ipn-gateway erasures create --email buyer@example.com'))
    .action(async (options: ErasureOptions) => {
      const result = await adminClient(options).post<ErasureResult>('/erasures', { email: options.email });
      if (options.json) printJson(result);
      else printLine(`erased: ${result.messages} messages, ${result.events} events`);
    });

  const audit = program.command('audit-log').description('admin actions from the API and the dashboard');
  adminCommand(audit, 'list', 'list admin actions, newest first')
    .addOption(limitOption())
    .addOption(cursorOption())
    .addOption(jsonOption())
    .action(async (options: AdminOptions & PageOptions & { json?: boolean }) => {
      const page = await adminClient(options).get<Page<AuditEntry>>('/audit-log', {
        limit: options.limit,
        cursor: options.cursor,
      });
      printPage(page, AUDIT_COLUMNS, options.json === true, 'audit entries');
    });
}
