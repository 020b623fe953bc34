// `payments list` and `payments show`: the state of a transaction and its timeline (docs/contract.md section 8).
import { type Command, Option } from 'commander';
import { PROVIDER_IDS } from '../../../providers/index';
import { EVENT_TYPES } from '../../../providers/types';
import type { Page, Payment, PaymentTimelineEvent, PaymentWithEvents } from '../admin/resources';
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
import { printJson, printLine, printPage } from '../output/print';
import { type Column, renderTable, shortTime } from '../output/table';
import { adminCommand } from './admin-command';

interface PaymentListOptions extends AdminOptions, PageOptions {
  provider?: string;
  state?: string;
  transactionId?: string;
  orderId?: string;
  email?: string;
}

interface PaymentShowOptions extends AdminOptions {
  account?: string;
  json?: boolean;
}

const money = (amount: string | null, currency: string | null) =>
  amount === null ? null : `${amount} ${currency ?? ''}`.trim();

const PAYMENT_COLUMNS: readonly Column<Payment>[] = [
  { header: 'PROVIDER', value: (p) => p.provider },
  { header: 'TRANSACTION', value: (p) => p.transaction_id },
  { header: 'ORDER', value: (p) => p.order_id },
  { header: 'STATE', value: (p) => p.state },
  { header: 'AMOUNT', value: (p) => money(p.amount, p.currency) },
  { header: 'REFUNDED', value: (p) => money(p.refunded_amount, p.currency) },
  { header: 'CUSTOMER', value: (p) => p.customer_email, maxWidth: 32 },
  { header: 'UPDATED', value: (p) => shortTime(p.updated_at) },
];

function deliveryWords(event: PaymentTimelineEvent): string {
  if (event.superseded) return 'superseded, not delivered';
  const { total, succeeded, pending, failed } = event.deliveries;
  if (total === 0) return 'no subscriber';
  return [
    `${succeeded}/${total} delivered`,
    pending ? `${pending} pending` : '',
    failed ? `${failed} failed` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

const TIMELINE_COLUMNS: readonly Column<PaymentTimelineEvent>[] = [
  { header: 'RECEIVED', value: (e) => shortTime(e.received_at) },
  { header: 'TYPE', value: (e) => e.type },
  { header: 'TRANSACTION', value: (e) => e.transaction_id },
  { header: 'AMOUNT', value: (e) => e.amount },
  { header: 'DELIVERY', value: deliveryWords },
  { header: 'EVENT', value: (e) => e.id },
  { header: 'MESSAGE', value: (e) => e.message_id },
];

function printPayment(payment: PaymentWithEvents): void {
  const rows: Array<[string, string]> = [
    ['payment', `${payment.provider} ${payment.transaction_id} (account ${payment.account})`],
    ['state', payment.state],
    ['amount', money(payment.amount, payment.currency) ?? '-'],
    ['refunded', money(payment.refunded_amount, payment.currency) ?? '-'],
    ['order', payment.order_id ?? '-'],
    ['customer', payment.customer_email ?? '-'],
    ['livemode', payment.livemode ? 'yes' : 'no'],
    ['first seen', payment.first_seen_at],
    ['updated', payment.updated_at],
  ];
  for (const [label, value] of rows) printLine(`${`${label}:`.padEnd(12)}${value}`);
  printLine();
  printLine(renderTable(TIMELINE_COLUMNS, payment.events));
}

export function registerPaymentCommands(program: Command): void {
  const payments = program.command('payments').description('one state per transaction, with its events');
  adminCommand(payments, 'list', 'list payments, newest first')
    .addOption(providerOption('payments'))
    .addOption(new Option('--state <type>', 'only payments in this state').choices(EVENT_TYPES))
    .option('--transaction-id <id>', 'only the payment of this transaction')
    .option('--order-id <id>', 'only payments of this order id')
    .option('--email <email>', 'only payments of this customer email')
    .addOption(limitOption())
    .addOption(cursorOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples(
        'ipn-gateway payments list --state payment.refunded',
        'ipn-gateway payments list --email buyer@example.com',
      ),
    )
    .action(async (options: PaymentListOptions) => {
      const page = await adminClient(options).get<Page<Payment>>('/payments', {
        provider: options.provider,
        state: options.state,
        transaction_id: options.transactionId,
        order_id: options.orderId,
        email: options.email,
        limit: options.limit,
        cursor: options.cursor,
      });
      printPage(page, PAYMENT_COLUMNS, options.json === true, 'payments');
    });

  adminCommand(payments, 'show', 'show the state of one transaction and its timeline')
    .argument('<provider>', `provider id (${PROVIDER_IDS.join(', ')})`)
    .argument('<transaction_id>', "the payment's transaction id")
    .option('--account <name>', 'the account, when the transaction id exists in several')
    .addOption(jsonOption())
    .addHelpText('after', examples(`ipn-gateway payments show ${PROVIDER_IDS[0]} 61E67681CH3238416`))
    .action(async (provider: string, transactionId: string, options: PaymentShowOptions) => {
      const path = `/payments/${encodeURIComponent(provider)}/${encodeURIComponent(transactionId)}`;
      const payment = await adminClient(options).get<PaymentWithEvents>(path, { account: options.account });
      if (options.json === true) printJson(payment);
      else printPayment(payment);
    });
}
