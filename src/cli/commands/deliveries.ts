// `deliveries list|retry`: what was sent to subscribers, and sending it again.
import { type Command, Option } from 'commander';
import type { AdminClient } from '../admin/admin-client';
import type { BulkRetryResult, Delivery, Page, RetryAccepted } from '../admin/resources';
import { CliError, EXIT_USAGE } from '../cli-error';
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

interface ListOptions extends AdminOptions, PageOptions {
  status?: string;
  subscriber?: string;
  event?: string;
}

interface RetryOptions extends AdminOptions {
  subscriber?: string;
  since?: string;
  until?: string;
  json?: boolean;
}

// A bulk retry answers at most this many rounds; each round retries up to 1000 deliveries.
const MAX_BULK_ROUNDS = 100;

function lastOutcome(delivery: Delivery): string | null {
  if (delivery.last_status_code !== null) return `HTTP ${delivery.last_status_code}`;
  return delivery.last_error;
}

const COLUMNS: readonly Column<Delivery>[] = [
  { header: 'ID', value: (d) => d.id },
  { header: 'STATUS', value: (d) => d.status },
  { header: 'ATTEMPTS', value: (d) => d.attempt_count },
  { header: 'LAST RESULT', value: lastOutcome, maxWidth: 40 },
  { header: 'NEXT ATTEMPT', value: (d) => shortTime(d.next_attempt_at) },
  { header: 'UPDATED', value: (d) => shortTime(d.updated_at) },
  { header: 'EVENT', value: (d) => d.event_id },
  { header: 'SUBSCRIBER', value: (d) => d.subscriber_id },
];

/** Any date Date.parse understands, sent as the ISO instant the API wants. */
function isoInstant(option: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const time = Date.parse(text);
  if (Number.isNaN(time))
    throw new CliError(`${option} "${text}" is not a date/time like 2026-11-21T12:00:00Z`, EXIT_USAGE);
  return new Date(time).toISOString();
}

async function retryOne(client: AdminClient, id: string, json: boolean): Promise<void> {
  const accepted = await client.post<RetryAccepted>(`/deliveries/${encodeURIComponent(id)}/retry`);
  if (json) return printJson(accepted);
  printLine(`delivery ${accepted.id} queued for a new attempt now (attempt count ${accepted.attempt})`);
}

/** Repeats the bulk call until nothing new comes back: each call retries at most 1000. */
async function retryFailed(client: AdminClient, options: RetryOptions): Promise<void> {
  const body = {
    subscriber_id: options.subscriber,
    since: isoInstant('--since', options.since),
    until: isoInstant('--until', options.until),
  };
  const retried = new Set<string>();
  for (let round = 0; round < MAX_BULK_ROUNDS; round++) {
    const result = await client.post<BulkRetryResult>('/deliveries/retry', body);
    const fresh = result.delivery_ids.filter((id) => !retried.has(id));
    for (const id of fresh) retried.add(id);
    if (fresh.length === 0) break;
  }
  if (options.json) return printJson({ count: retried.size, delivery_ids: [...retried] });
  printLine(`${retried.size} failed deliveries of ${options.subscriber} queued for a new attempt`);
  for (const id of retried) printLine(`  ${id}`);
}

export function registerDeliveryCommands(program: Command): void {
  const deliveries = program.command('deliveries').description('inspect and retry deliveries to subscribers');

  adminCommand(deliveries, 'list', 'list deliveries, newest first')
    .addOption(
      new Option('--status <status>', 'only this status').choices(['pending', 'succeeded', 'failed']),
    )
    .option('--subscriber <id>', 'only deliveries to this subscriber')
    .option('--event <id>', 'only deliveries of this event')
    .addOption(limitOption())
    .addOption(cursorOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples(
        'ipn-gateway deliveries list --status failed',
        'ipn-gateway deliveries list --subscriber sub_01JD5Q8Z3R4B9T6W2X7Y0KMN1P --limit 10 --json',
      ),
    )
    .action(async (options: ListOptions) => {
      const page = await adminClient(options).get<Page<Delivery>>('/deliveries', {
        status: options.status,
        subscriber_id: options.subscriber,
        event_id: options.event,
        limit: options.limit,
        cursor: options.cursor,
      });
      printPage(page, COLUMNS, options.json === true, 'deliveries');
    });

  adminCommand(
    deliveries,
    'retry [id]',
    'attempt one delivery again now, or (with --subscriber and --since) every failed one of a subscriber',
  )
    .option('--subscriber <id>', 'bulk: the subscriber whose failed deliveries to retry')
    .option('--since <time>', 'bulk: deliveries that failed at or after this ISO time')
    .option('--until <time>', 'bulk: ...and before this ISO time')
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples(
        'ipn-gateway deliveries retry dlv_01JD5Q8Z3R4B9T6W2X7Y0KMN1P',
        'ipn-gateway deliveries retry --subscriber sub_01JD5Q8Z3R4B9T6W2X7Y0KMN1P --since 2026-11-21T00:00:00Z',
      ),
    )
    .action(async (id: string | undefined, options: RetryOptions) => {
      const bulk = options.subscriber !== undefined || options.since !== undefined;
      if (id !== undefined && bulk) {
        throw new CliError('give either a delivery id or --subscriber with --since, not both', EXIT_USAGE);
      }
      const client = adminClient(options);
      if (id !== undefined) return retryOne(client, id, options.json === true);
      if (options.subscriber === undefined || options.since === undefined) {
        throw new CliError('give a delivery id, or both --subscriber <id> and --since <time>', EXIT_USAGE);
      }
      await retryFailed(client, options);
    });
}
