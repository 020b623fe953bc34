import { EVENT_TYPES } from '../../../providers/types';
import type { PaymentView } from '../../api/queries/payments';
import { Badge, EmptyRow, Field, Mono, PageHeader, Pager, Select, Time } from '../components';
import { formatAmount } from '../format';
import { type Flash, Layout } from '../layout';
import { dashboardHref } from '../paths';

export interface PaymentFilterValues {
  provider?: string | undefined;
  state?: string | undefined;
  /** Transaction id, order id or customer email. */
  q?: string | undefined;
}

export interface PaymentsProps {
  csrf: string;
  flash: Flash;
  payments: PaymentView[];
  filter: PaymentFilterValues;
  providerIds: string[];
  nextHref: string | null;
  isFirstPage: boolean;
}

export function paymentHref(payment: Pick<PaymentView, 'provider' | 'transaction_id' | 'account'>): string {
  const path = `/payments/${encodeURIComponent(payment.provider)}/${encodeURIComponent(payment.transaction_id)}`;
  return dashboardHref(path, { account: payment.account });
}

function Filters({ filter, providerIds }: { filter: PaymentFilterValues; providerIds: string[] }) {
  return (
    <form method="get" action={dashboardHref('/payments')} class="filters">
      <Field label="Provider" id="payments-provider">
        <Select
          id="payments-provider"
          name="provider"
          value={filter.provider}
          options={providerIds}
          anyLabel="All providers"
        />
      </Field>
      <Field label="State" id="payments-state">
        <Select
          id="payments-state"
          name="state"
          value={filter.state}
          options={EVENT_TYPES}
          anyLabel="Any state"
        />
      </Field>
      <label class="grow">
        Transaction id, order id or customer email
        <input
          type="search"
          name="q"
          value={filter.q ?? ''}
          placeholder="e.g. 5CS19517SJ894934R or buyer@example.com"
        />
      </label>
      <button type="submit" class="btn btn-primary">
        Search
      </button>
      <a class="btn btn-secondary" href={dashboardHref('/payments')}>
        Reset
      </a>
    </form>
  );
}

function PaymentRow({ payment }: { payment: PaymentView }) {
  return (
    <tr>
      <td>
        <Time iso={payment.updated_at} />
      </td>
      <td>
        <a href={paymentHref(payment)} class="strong">
          <Mono>{payment.transaction_id}</Mono>
        </a>
      </td>
      <td>{payment.provider}</td>
      <td>
        <Badge label={payment.state} tone={stateTone(payment.state)} />
      </td>
      <td>
        <Mono>{payment.order_id ?? '—'}</Mono>
      </td>
      <td class="num">{formatAmount(payment.amount, payment.currency)}</td>
      <td class="num">{formatAmount(payment.refunded_amount, payment.currency)}</td>
      <td class="truncate">{payment.customer_email ?? '—'}</td>
      <td>
        <Badge label={payment.livemode ? 'live' : 'test'} />
      </td>
    </tr>
  );
}

/** Money in: green; money back or taken: red; waiting: amber. */
export function stateTone(state: string): string {
  if (state === 'payment.completed' || state === 'subscription.payment_succeeded') return 'ok';
  if (state === 'payment.pending' || state === 'payment.authorized') return 'warn';
  if (state === 'payment.reversal_canceled') return 'info';
  return 'bad';
}

export function PaymentsPage(props: PaymentsProps) {
  const firstHref = dashboardHref('/payments', { ...props.filter });
  return (
    <Layout title="Payments" section="payments" csrf={props.csrf} flash={props.flash}>
      <PageHeader title="Payments" subtitle="One state per transaction, most recently first seen first" />
      <Filters filter={props.filter} providerIds={props.providerIds} />
      <div class="card flush">
        <table class="table" data-testid="payments-table">
          <thead>
            <tr>
              <th>Updated (UTC)</th>
              <th>Transaction</th>
              <th>Provider</th>
              <th>State</th>
              <th>Order</th>
              <th class="num">Amount</th>
              <th class="num">Refunded</th>
              <th>Customer</th>
              <th>Mode</th>
            </tr>
          </thead>
          <tbody>
            {props.payments.length === 0 && <EmptyRow columns={9} text="No payments match." />}
            {props.payments.map((payment) => (
              <PaymentRow payment={payment} />
            ))}
          </tbody>
        </table>
      </div>
      <Pager firstHref={firstHref} nextHref={props.nextHref} isFirst={props.isFirstPage} />
    </Layout>
  );
}
