// One subscriber: its state and options, "Send test event", recover missed events, and the
// delivery options form.

import type { PingResult } from '../../subscribers/subscriber-ping';
import type { SubscriberView } from '../../subscribers/subscriber-view';
import { ActionButton, Card, CsrfField, Facts, Mono, PageHeader } from '../components';
import { type Flash, Layout } from '../layout';
import { dashboardHref } from '../paths';
import { OptionFields, StateBadge, type SubscriberOptionValues, subscriberPath } from './subscribers';

export interface SubscriberDetailProps {
  csrf: string;
  flash: Flash;
  subscriber: SubscriberView;
  options: SubscriberOptionValues;
  optionsError?: string | undefined;
  ping?: PingResult | undefined;
}

function PingPanel({ ping }: { ping: PingResult }) {
  const ok = ping.error === null;
  return (
    <div class={`flash ${ok ? 'flash-notice' : 'flash-error'}`} role="status" data-testid="ping-result">
      {ok ? 'Test event accepted' : 'Test event failed'}: {ping.status_code ?? 'no response'} in{' '}
      {ping.duration_ms} ms{ping.error && ` (${ping.error})`}
      {ping.response_body && <pre class="response-body">{ping.response_body}</pre>}
    </div>
  );
}

export function SubscriberDetailPage(props: SubscriberDetailProps) {
  const { subscriber, csrf } = props;
  const path = (action?: string) => dashboardHref(subscriberPath(subscriber.id, action));
  const headerNames = Object.keys(subscriber.headers).sort();
  return (
    <Layout title="Subscriber" section="subscribers" csrf={csrf} flash={props.flash}>
      <PageHeader
        title={subscriber.url}
        subtitle={<a href={dashboardHref('/subscribers')}>Subscribers</a>}
        actions={
          <ActionButton action={path('test')} label="Send test event" csrf={csrf} testId="send-test" />
        }
      />
      {props.ping && <PingPanel ping={props.ping} />}
      <Card title="Subscriber">
        <Facts
          rows={[
            ['State', <StateBadge subscriber={subscriber} />],
            ['Id', <Mono>{subscriber.id}</Mono>],
            ['Description', subscriber.description ?? '—'],
            ['Format', subscriber.format],
            ['Event types', subscriber.event_types.join(', ') || 'all'],
            ['Providers', subscriber.providers.join(', ') || 'all'],
            ['Livemode', subscriber.livemode],
            ['Ordering', subscriber.ordering],
            ['Rate limit', subscriber.rate_limit === null ? 'none' : `${subscriber.rate_limit} requests/s`],
            ['Headers', headerNames.length > 0 ? <Mono>{headerNames.join(', ')}</Mono> : 'none'],
          ]}
        />
        <div class="button-row">
          <ActionButton
            action={path(subscriber.enabled ? 'disable' : 'enable')}
            label={subscriber.enabled ? 'Disable' : 'Enable'}
            csrf={csrf}
            back={path()}
          />
          <a
            class="btn btn-small btn-secondary"
            href={dashboardHref('/deliveries', { subscriber_id: subscriber.id })}
          >
            Deliveries
          </a>
        </div>
      </Card>
      <Card title="Recover missed events">
        <p class="dim">
          Delivers again, in the order received, every matching event of the window that this subscriber has
          no succeeded delivery for, including events from while it was disabled or before it existed.
        </p>
        <form method="post" action={path('recover')} class="form-grid" data-testid="recover-form">
          <CsrfField token={csrf} />
          <label>
            Since
            <input type="text" name="since" required placeholder="2h, 3d or 2026-11-21T12:00:00Z" />
          </label>
          <label>
            Until
            <input type="text" name="until" placeholder="now" />
          </label>
          <div class="span-2">
            <button type="submit" class="btn btn-primary" data-testid="recover">
              Recover
            </button>
          </div>
        </form>
      </Card>
      <Card title="Delivery options">
        {props.optionsError && (
          <div class="flash flash-error" role="alert" data-testid="form-error">
            {props.optionsError}
          </div>
        )}
        <form method="post" action={path('options')} class="form-grid" data-testid="options-form">
          <CsrfField token={csrf} />
          <OptionFields values={props.options} />
          <div class="span-2">
            <button type="submit" class="btn btn-primary">
              Save options
            </button>
          </div>
        </form>
      </Card>
    </Layout>
  );
}
