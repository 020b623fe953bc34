import type { PaymentWithEvents, TimelineEvent } from '../../api/queries/payments';
import { Badge, Card, Facts, Mono, PageHeader, Time } from '../components';
import { formatAmount } from '../format';
import { type Flash, Layout } from '../layout';
import { dashboardHref } from '../paths';
import { stateTone } from './payments';

export interface PaymentDetailProps {
  csrf: string;
  flash: Flash;
  payment: PaymentWithEvents;
  refreshSeconds: number | undefined;
}

function DeliveryOutcome({ event }: { event: TimelineEvent }) {
  if (event.superseded) return <Badge label="superseded · not delivered" tone="muted" />;
  const { total, succeeded, pending, failed } = event.deliveries;
  if (total === 0) return <Badge label="no subscriber matched" tone="muted" />;
  const tone = failed > 0 ? 'bad' : pending > 0 ? 'warn' : 'ok';
  const parts = [
    `delivered ${succeeded}/${total}`,
    pending ? `${pending} pending` : '',
    failed ? `${failed} failed` : '',
  ];
  return <Badge label={parts.filter(Boolean).join(' · ')} tone={tone} />;
}

function Timeline({ payment }: { payment: PaymentWithEvents }) {
  return (
    <ol class="timeline payment-timeline" data-testid="payment-timeline">
      {payment.events.map((event) => {
        const eventHref = dashboardHref(`/events/${encodeURIComponent(event.id)}`);
        const tone = event.superseded ? 'tl-muted' : event.deliveries.failed > 0 ? 'tl-bad' : 'tl-ok';
        return (
          <li class={tone} data-testid="payment-event" data-superseded={String(event.superseded)}>
            <div class="tl-line">
              <Time iso={event.received_at} />
              <a href={eventHref} class={event.superseded ? 'strong superseded' : 'strong'}>
                {event.type}
              </a>
              {event.amount !== null && (
                <span class="num">{formatAmount(event.amount, payment.currency)}</span>
              )}
              {event.transaction_id !== null && event.transaction_id !== payment.transaction_id && (
                <span class="dim small">
                  txn <Mono>{event.transaction_id}</Mono>
                </span>
              )}
              <DeliveryOutcome event={event} />
            </div>
            <div class="dim small">
              <a href={eventHref}>event and deliveries</a> ·{' '}
              <a href={dashboardHref(`/messages/${encodeURIComponent(event.message_id)}`)}>message</a> ·
              occurred <Time iso={event.occurred_at} withAge={false} />
            </div>
          </li>
        );
      })}
    </ol>
  );
}

export function PaymentDetailPage(props: PaymentDetailProps) {
  const { payment } = props;
  const superseded = payment.events.filter((event) => event.superseded).length;
  return (
    <Layout
      title={`${payment.provider} ${payment.transaction_id}`}
      section="payments"
      csrf={props.csrf}
      flash={props.flash}
      refreshSeconds={props.refreshSeconds}
    >
      <PageHeader
        title={`Payment ${payment.transaction_id}`}
        subtitle={
          <>
            <a href={dashboardHref('/payments')}>Payments</a> / {payment.provider} /{' '}
            <Mono>{payment.transaction_id}</Mono>
          </>
        }
      />
      <Card title="State">
        <Facts
          rows={[
            ['State', <Badge label={payment.state} tone={stateTone(payment.state)} />],
            ['Provider', `${payment.provider} (account ${payment.account})`],
            ['Mode', <Badge label={payment.livemode ? 'live' : 'test'} />],
            ['Amount', formatAmount(payment.amount, payment.currency)],
            ['Refunded', formatAmount(payment.refunded_amount, payment.currency)],
            ['Order', <Mono>{payment.order_id ?? '—'}</Mono>],
            ['Customer', payment.customer_email ?? '—'],
            ['First seen', <Time iso={payment.first_seen_at} />],
            ['Updated', <Time iso={payment.updated_at} />],
          ]}
        />
      </Card>
      <Card
        title={`Timeline (${payment.events.length} event${payment.events.length === 1 ? '' : 's'}${
          superseded > 0 ? `, ${superseded} superseded` : ''
        })`}
      >
        <p class="dim small">
          A superseded event would have moved the payment back or repeated its state: it is kept here and was
          not sent to subscribers.
        </p>
        <Timeline payment={payment} />
      </Card>
    </Layout>
  );
}
