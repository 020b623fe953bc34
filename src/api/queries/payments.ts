// Read side of payments (docs/contract.md section 8): the current state of a transaction and its timeline.
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { EventType } from '../../../providers/types';
import type { DbHandle } from '../../db/client';
import { payments } from '../../db/schema';
import { type Page, type PageRequest, toPage } from './page';

export interface PaymentView {
  provider: string;
  account: string;
  transaction_id: string;
  order_id: string | null;
  state: EventType;
  amount: string | null;
  currency: string | null;
  refunded_amount: string | null;
  livemode: boolean;
  customer_email: string | null;
  first_seen_at: string;
  updated_at: string;
}

/** One event of a payment's timeline, with what became of its deliveries. */
export interface TimelineEvent {
  id: string;
  type: EventType;
  occurred_at: string;
  received_at: string;
  superseded: boolean;
  transaction_id: string | null;
  amount: string | null;
  message_id: string;
  deliveries: { total: number; succeeded: number; pending: number; failed: number };
}

export interface PaymentWithEvents extends PaymentView {
  events: TimelineEvent[];
}

export interface PaymentFilter {
  provider?: string | undefined;
  state?: EventType | undefined;
  transaction_id?: string | undefined;
  order_id?: string | undefined;
  email?: string | undefined;
}

const PAYMENT_COLUMNS = {
  id: payments.id,
  provider: payments.provider,
  account: payments.account,
  transaction_id: payments.transactionId,
  order_id: payments.orderId,
  state: payments.state,
  amount: payments.amount,
  currency: payments.currency,
  refunded_amount: payments.refundedAmount,
  livemode: payments.livemode,
  customer_email: payments.customerEmail,
  first_seen_at: payments.firstSeenAt,
  updated_at: payments.updatedAt,
};

type PaymentRow = { id: string } & Omit<PaymentView, 'first_seen_at' | 'updated_at'> & {
    first_seen_at: Date;
    updated_at: Date;
  };

function toView({ id: _id, ...row }: PaymentRow): PaymentView {
  return { ...row, first_seen_at: row.first_seen_at.toISOString(), updated_at: row.updated_at.toISOString() };
}

export async function listPayments(
  handle: DbHandle,
  filter: PaymentFilter,
  page: PageRequest,
): Promise<Page<PaymentView>> {
  const rows: PaymentRow[] = await handle.db
    .select(PAYMENT_COLUMNS)
    .from(payments)
    .where(
      and(
        filter.provider === undefined ? undefined : eq(payments.provider, filter.provider),
        filter.state === undefined ? undefined : eq(payments.state, filter.state),
        filter.transaction_id === undefined ? undefined : eq(payments.transactionId, filter.transaction_id),
        filter.order_id === undefined ? undefined : eq(payments.orderId, filter.order_id),
        filter.email === undefined
          ? undefined
          : sql`lower(${payments.customerEmail}) = lower(${filter.email})`,
        page.afterId === undefined ? undefined : lt(payments.id, page.afterId),
      ),
    )
    .orderBy(desc(payments.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit, (row) => row.id, toView);
}

export type PaymentLookup =
  | { found: 'one'; payment: PaymentWithEvents }
  | { found: 'none' }
  | { found: 'several'; accounts: string[] };

interface TimelineRow extends Record<string, unknown> {
  id: string;
  type: EventType;
  occurred_at: Date | string;
  received_at: Date | string;
  superseded: boolean;
  transaction_id: string | null;
  amount: string | null;
  message_id: string;
  total: number;
  succeeded: number;
  pending: number;
  failed: number;
}

const iso = (value: Date | string) => new Date(value).toISOString();

/** A payment's events, oldest first: one provider account's, as payments are per account. */
async function timeline(handle: DbHandle, payment: PaymentView): Promise<TimelineEvent[]> {
  const rows = await handle.rows<TimelineRow>(sql`
    select e.id, e.type, e.occurred_at, e.received_at, e.superseded, e.transaction_id,
           (e.body::jsonb)->'data'->>'amount' as amount, e.message_id,
           count(d.id)::int as total,
           count(d.id) filter (where d.status = 'succeeded')::int as succeeded,
           count(d.id) filter (where d.status = 'pending')::int as pending,
           count(d.id) filter (where d.status = 'failed')::int as failed
    from events e
    left join deliveries d on d.event_id = e.id
    where e.payment_transaction_id = ${payment.transaction_id} and e.provider = ${payment.provider}
      and e.account = ${payment.account}
    group by e.id
    order by e.id`);
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    occurred_at: iso(row.occurred_at),
    received_at: iso(row.received_at),
    superseded: row.superseded,
    transaction_id: row.transaction_id,
    amount: row.amount,
    message_id: row.message_id,
    deliveries: { total: row.total, succeeded: row.succeeded, pending: row.pending, failed: row.failed },
  }));
}

/** The payment of a transaction; `several` when it exists in more than one account and none was named. */
export async function findPayment(
  handle: DbHandle,
  provider: string,
  transactionId: string,
  account?: string,
): Promise<PaymentLookup> {
  const rows: PaymentRow[] = await handle.db
    .select(PAYMENT_COLUMNS)
    .from(payments)
    .where(
      and(
        eq(payments.transactionId, transactionId),
        eq(payments.provider, provider),
        account === undefined ? undefined : eq(payments.account, account),
      ),
    )
    .orderBy(payments.account);
  const [first] = rows;
  if (!first) return { found: 'none' };
  if (rows.length > 1) return { found: 'several', accounts: rows.map((row) => row.account) };
  const payment = toView(first);
  return { found: 'one', payment: { ...payment, events: await timeline(handle, payment) } };
}
