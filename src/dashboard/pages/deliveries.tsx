import type { DeliveryView } from '../../api/queries/deliveries';
import type { SubscriberView } from '../../subscribers/subscriber-view';
import {
  ActionButton,
  Badge,
  Card,
  CsrfField,
  EmptyRow,
  Field,
  Mono,
  PageHeader,
  Pager,
  Select,
  Time,
} from '../components';
import { excerpt } from '../format';
import { type Flash, Layout } from '../layout';
import { dashboardHref } from '../paths';

export const DELIVERY_STATUS_FILTERS = ['failed', 'pending', 'succeeded', 'all'] as const;
export type DeliveryStatusFilter = (typeof DELIVERY_STATUS_FILTERS)[number];

export interface DeliveriesProps {
  csrf: string;
  flash: Flash;
  deliveries: DeliveryView[];
  status: DeliveryStatusFilter;
  subscriberId: string | undefined;
  subscribers: SubscriberView[];
  /** This page's own address, where the retry buttons come back to. */
  back: string;
  nextHref: string | null;
  isFirstPage: boolean;
  /** Default of the bulk form's "since" field (datetime-local, UTC). */
  defaultSince: string;
  refreshSeconds: number;
}

function LastResult({ delivery }: { delivery: DeliveryView }) {
  if (delivery.last_status_code !== null) {
    const ok = delivery.last_status_code >= 200 && delivery.last_status_code < 300;
    return <Badge label={`HTTP ${delivery.last_status_code}`} tone={ok ? 'ok' : 'bad'} />;
  }
  if (delivery.last_error) return <span class="text-bad">{excerpt(delivery.last_error, 80)}</span>;
  return <span class="dim">—</span>;
}

function Filters(props: {
  status: DeliveryStatusFilter;
  subscriberId: string | undefined;
  subscribers: SubscriberView[];
}) {
  return (
    <form method="get" action={dashboardHref('/deliveries')} class="filters">
      <Field label="Status" id="deliveries-status">
        <Select id="deliveries-status" name="status" value={props.status} options={DELIVERY_STATUS_FILTERS} />
      </Field>
      <Field label="Subscriber" id="deliveries-subscriber-id" class="grow">
        <Select
          id="deliveries-subscriber-id"
          name="subscriber_id"
          value={props.subscriberId}
          options={props.subscribers.map((subscriber) => [subscriber.id, subscriber.url])}
          anyLabel="All subscribers"
        />
      </Field>
      <button type="submit" class="btn btn-primary">
        Filter
      </button>
    </form>
  );
}

function BulkRetryForm(props: {
  csrf: string;
  subscribers: SubscriberView[];
  subscriberId: string | undefined;
  defaultSince: string;
}) {
  return (
    <Card title="Retry all failed deliveries of a subscriber">
      <form
        method="post"
        action={dashboardHref('/deliveries/retry-failed')}
        class="filters"
        data-testid="bulk-retry"
      >
        <CsrfField token={props.csrf} />
        <Field label="Subscriber" id="bulk-subscriber-id" class="grow">
          <Select
            id="bulk-subscriber-id"
            name="subscriber_id"
            value={props.subscriberId}
            options={props.subscribers.map((subscriber) => [subscriber.id, subscriber.url])}
          />
        </Field>
        <label>
          Failed since (UTC)
          <input type="datetime-local" name="since" value={props.defaultSince} required />
        </label>
        <button type="submit" class="btn btn-primary" disabled={props.subscribers.length === 0}>
          Retry all failed
        </button>
      </form>
    </Card>
  );
}

export function DeliveriesPage(props: DeliveriesProps) {
  const urls = new Map(props.subscribers.map((subscriber) => [subscriber.id, subscriber.url]));
  const firstHref = dashboardHref('/deliveries', { status: props.status, subscriber_id: props.subscriberId });
  return (
    <Layout
      title="Deliveries"
      section="deliveries"
      csrf={props.csrf}
      flash={props.flash}
      refreshSeconds={props.refreshSeconds}
    >
      <PageHeader
        title="Deliveries"
        subtitle={`One event to one subscriber, newest first · refreshes every ${props.refreshSeconds} s`}
      />
      <Filters status={props.status} subscriberId={props.subscriberId} subscribers={props.subscribers} />
      <div class="card flush">
        <table class="table" data-testid="deliveries-table">
          <thead>
            <tr>
              <th>Updated (UTC)</th>
              <th>Status</th>
              <th>Subscriber</th>
              <th>Event</th>
              <th class="num">Attempts</th>
              <th>Last result</th>
              <th>Next attempt</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {props.deliveries.length === 0 && (
              <EmptyRow
                columns={8}
                text={props.status === 'all' ? 'No deliveries.' : `No ${props.status} deliveries.`}
              />
            )}
            {props.deliveries.map((delivery) => (
              <tr data-testid="delivery-row" data-delivery-id={delivery.id} data-status={delivery.status}>
                <td>
                  <Time iso={delivery.updated_at} />
                </td>
                <td>
                  <Badge label={delivery.status} />
                </td>
                <td class="truncate">
                  {urls.get(delivery.subscriber_id) ?? <Mono>{delivery.subscriber_id} (removed)</Mono>}
                </td>
                <td>
                  <a href={dashboardHref(`/events/${encodeURIComponent(delivery.event_id)}`)}>
                    <Mono>{delivery.event_id}</Mono>
                  </a>
                </td>
                <td class="num">{delivery.attempt_count}</td>
                <td>
                  <LastResult delivery={delivery} />
                </td>
                <td>
                  {delivery.status === 'pending' ? (
                    <Time iso={delivery.next_attempt_at} />
                  ) : (
                    <span class="dim">—</span>
                  )}
                </td>
                <td class="actions">
                  <ActionButton
                    action={dashboardHref(`/deliveries/${encodeURIComponent(delivery.id)}/retry`)}
                    label="Retry"
                    csrf={props.csrf}
                    back={props.back}
                    style={delivery.status === 'failed' ? 'primary' : 'secondary'}
                    testId="retry"
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager firstHref={firstHref} nextHref={props.nextHref} isFirst={props.isFirstPage} />
      <BulkRetryForm
        csrf={props.csrf}
        subscribers={props.subscribers}
        subscriberId={props.subscriberId}
        defaultSince={props.defaultSince}
      />
    </Layout>
  );
}
