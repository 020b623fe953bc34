import type { AttemptView, DeliveryWithAttempts } from '../../api/queries/deliveries';
import type { EventWithDeliveries } from '../../api/queries/events';
import { ActionButton, Badge, Card, Facts, Mono, PageHeader, Time } from '../components';
import { excerpt, formatAmount, formatDuration } from '../format';
import { type Flash, Layout } from '../layout';
import { dashboardHref } from '../paths';

const RESPONSE_PREVIEW_CHARS = 240;

export interface EventDetailProps {
  csrf: string;
  flash: Flash;
  event: EventWithDeliveries;
  /** Subscriber id → URL (absent for deleted subscribers). */
  subscriberUrls: ReadonlyMap<string, string>;
  refreshSeconds: number | undefined;
}

function AttemptResult({ attempt }: { attempt: AttemptView }) {
  if (attempt.status_code !== null) {
    const ok = attempt.status_code >= 200 && attempt.status_code < 300;
    return <Badge label={`HTTP ${attempt.status_code}`} tone={ok ? 'ok' : 'bad'} />;
  }
  return <span class="text-bad">{attempt.error ?? 'no response'}</span>;
}

function ResponseExcerpt({ body }: { body: string | null }) {
  if (!body) return null;
  if (body.length <= RESPONSE_PREVIEW_CHARS) return <pre class="excerpt">{body}</pre>;
  return (
    <details class="excerpt-details">
      <summary>
        <pre class="excerpt">{excerpt(body, RESPONSE_PREVIEW_CHARS)}</pre>
        <span class="dim">Show all {body.length} characters kept</span>
      </summary>
      <pre class="excerpt">{body}</pre>
    </details>
  );
}

function AttemptTimeline({ attempts }: { attempts: AttemptView[] }) {
  if (attempts.length === 0) return <p class="dim">No attempt yet.</p>;
  return (
    <ol class="timeline">
      {attempts.map((attempt) => {
        const ok = attempt.status_code !== null && attempt.status_code >= 200 && attempt.status_code < 300;
        return (
          <li class={ok ? 'tl-ok' : 'tl-bad'} data-testid="attempt">
            <div class="tl-line">
              <strong>#{attempt.number}</strong>
              <Time iso={attempt.started_at} />
              <Badge label={attempt.trigger} />
              <AttemptResult attempt={attempt} />
              <span class="dim">{formatDuration(attempt.duration_ms)}</span>
            </div>
            <ResponseExcerpt body={attempt.response_body} />
          </li>
        );
      })}
    </ol>
  );
}

function DeliveryBlock(props: {
  delivery: DeliveryWithAttempts;
  subscriberUrl: string | undefined;
  csrf: string;
  back: string;
}) {
  const { delivery } = props;
  return (
    <article class="delivery" data-testid="delivery" data-status={delivery.status}>
      <header class="delivery-header">
        <div>
          <Badge label={delivery.status} />{' '}
          <a href={dashboardHref('/subscribers')} class="strong">
            {props.subscriberUrl ?? `${delivery.subscriber_id} (removed)`}
          </a>
          <div class="dim small">
            <Mono>{delivery.id}</Mono> · {delivery.attempt_count} attempt
            {delivery.attempt_count === 1 ? '' : 's'}
            {delivery.status === 'pending' && delivery.next_attempt_at && (
              <>
                {' '}
                · next <Time iso={delivery.next_attempt_at} />
              </>
            )}
          </div>
        </div>
        <ActionButton
          action={dashboardHref(`/deliveries/${encodeURIComponent(delivery.id)}/retry`)}
          label="Retry now"
          csrf={props.csrf}
          back={props.back}
          style={delivery.status === 'failed' ? 'primary' : 'secondary'}
        />
      </header>
      <AttemptTimeline attempts={delivery.attempts} />
    </article>
  );
}

function Summary({ event }: { event: EventWithDeliveries }) {
  const { data } = event;
  const customer = [data.customer.first_name, data.customer.last_name].filter(Boolean).join(' ');
  return (
    <Facts
      rows={[
        ['Event id', <Mono>{event.id}</Mono>],
        ['Provider', event.provider],
        ['Mode', <Badge label={event.livemode ? 'live' : 'test'} />],
        [
          'Superseded',
          event.superseded ? <Badge label="superseded: stored, not delivered" tone="muted" /> : 'no',
        ],
        ['Occurred', <Time iso={event.occurred_at} />],
        ['Received', <Time iso={event.received_at} />],
        ['Provider status', data.provider_status ?? '—'],
        ['Transaction', <Mono>{data.transaction_id ?? '—'}</Mono>],
        ['Parent transaction', <Mono>{data.parent_transaction_id ?? '—'}</Mono>],
        ['Order', <Mono>{data.order_id ?? '—'}</Mono>],
        ['Subscription', <Mono>{data.subscription_id ?? '—'}</Mono>],
        ['Amount', formatAmount(data.amount, data.currency)],
        ['Fee', formatAmount(data.fee, data.currency)],
        [
          'Customer',
          [customer, data.customer.email, data.customer.country].filter(Boolean).join(' · ') || '—',
        ],
        ['Items', data.items.map((item) => `${item.quantity ?? 1} × ${item.name ?? '?'}`).join(', ') || '—'],
        ['Reason', data.reason ?? '—'],
        ['Receiver', data.receiver ?? '—'],
      ]}
    />
  );
}

export function EventDetailPage(props: EventDetailProps) {
  const { event } = props;
  const { deliveries, ...body } = event;
  const back = dashboardHref(`/events/${encodeURIComponent(event.id)}`);
  return (
    <Layout
      title={event.type}
      section="events"
      csrf={props.csrf}
      flash={props.flash}
      refreshSeconds={props.refreshSeconds}
    >
      <PageHeader
        title={event.type}
        subtitle={
          <>
            <a href={dashboardHref('/events')}>Events</a> / <Mono>{event.id}</Mono>
            {props.refreshSeconds && ` · deliveries pending, refreshing every ${props.refreshSeconds} s`}
          </>
        }
      />
      <Card title="Summary">
        <Summary event={event} />
      </Card>
      <Card title={`Deliveries (${deliveries.length})`}>
        {deliveries.length === 0 && <p class="dim">No subscriber matched this event when it arrived.</p>}
        {deliveries.map((delivery) => (
          <DeliveryBlock
            delivery={delivery}
            subscriberUrl={props.subscriberUrls.get(delivery.subscriber_id)}
            csrf={props.csrf}
            back={back}
          />
        ))}
      </Card>
      <Card
        title={
          event.superseded
            ? 'Event JSON (stored, never sent: superseded)'
            : 'Event JSON (as sent to subscribers)'
        }
      >
        <pre class="code" data-testid="event-json">
          {JSON.stringify(body, null, 2)}
        </pre>
      </Card>
    </Layout>
  );
}
