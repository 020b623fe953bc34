import { EVENT_TYPES } from '../../../providers/types';
import type { PaymentEvent } from '../../api/queries/events';
import { Badge, EmptyRow, Field, Mono, PageHeader, Pager, Select, Time } from '../components';
import { formatAmount } from '../format';
import { type Flash, Layout } from '../layout';
import { dashboardHref } from '../paths';

export interface EventFilterValues {
  provider?: string | undefined;
  type?: string | undefined;
  /** Transaction or order id. */
  q?: string | undefined;
}

export interface EventsProps {
  csrf: string;
  flash: Flash;
  events: PaymentEvent[];
  filter: EventFilterValues;
  providerIds: string[];
  nextHref: string | null;
  isFirstPage: boolean;
}

function Filters({ filter, providerIds }: { filter: EventFilterValues; providerIds: string[] }) {
  return (
    <form method="get" action={dashboardHref('/events')} class="filters">
      <Field label="Provider" id="events-provider">
        <Select
          id="events-provider"
          name="provider"
          value={filter.provider}
          options={providerIds}
          anyLabel="All providers"
        />
      </Field>
      <Field label="Type" id="events-type">
        <Select id="events-type" name="type" value={filter.type} options={EVENT_TYPES} anyLabel="All types" />
      </Field>
      <label class="grow">
        Transaction or order id
        <input type="search" name="q" value={filter.q ?? ''} placeholder="e.g. 5CS19517SJ894934R" />
      </label>
      <button type="submit" class="btn btn-primary">
        Filter
      </button>
      <a class="btn btn-secondary" href={dashboardHref('/events')}>
        Reset
      </a>
    </form>
  );
}

function EventRow({ event }: { event: PaymentEvent }) {
  const href = dashboardHref(`/events/${encodeURIComponent(event.id)}`);
  return (
    <tr>
      <td>
        <Time iso={event.received_at} />
      </td>
      <td>
        <a href={href} class={event.superseded ? 'strong superseded' : 'strong'} title={event.id}>
          {event.type}
        </a>
        {event.superseded && (
          <>
            {' '}
            <Badge label="superseded" tone="muted" />
          </>
        )}
      </td>
      <td>{event.provider}</td>
      <td>
        <Mono>{event.data.transaction_id ?? '—'}</Mono>
      </td>
      <td>
        <Mono>{event.data.order_id ?? '—'}</Mono>
      </td>
      <td class="num">{formatAmount(event.data.amount, event.data.currency)}</td>
      <td class="truncate">{event.data.customer.email ?? '—'}</td>
      <td>
        <Badge label={event.livemode ? 'live' : 'test'} />
      </td>
    </tr>
  );
}

export function EventsPage(props: EventsProps) {
  const firstHref = dashboardHref('/events', { ...props.filter });
  return (
    <Layout title="Events" section="events" csrf={props.csrf} flash={props.flash}>
      <PageHeader title="Events" subtitle="Payment events sent to subscribers, newest first" />
      <Filters filter={props.filter} providerIds={props.providerIds} />
      <div class="card flush">
        <table class="table" data-testid="events-table">
          <thead>
            <tr>
              <th>Received (UTC)</th>
              <th>Type</th>
              <th>Provider</th>
              <th>Transaction</th>
              <th>Order</th>
              <th class="num">Amount</th>
              <th>Customer</th>
              <th>Mode</th>
            </tr>
          </thead>
          <tbody>
            {props.events.length === 0 && <EmptyRow columns={8} text="No events match." />}
            {props.events.map((event) => (
              <EventRow event={event} />
            ))}
          </tbody>
        </table>
      </div>
      <Pager firstHref={firstHref} nextHref={props.nextHref} isFirst={props.isFirstPage} />
    </Layout>
  );
}
