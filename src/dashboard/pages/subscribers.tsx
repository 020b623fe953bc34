import type { SubscriberView } from '../../subscribers/subscriber-view';
import { ActionButton, Badge, Card, CsrfField, EmptyRow, Facts, Mono, PageHeader, Time } from '../components';
import { type Flash, Layout } from '../layout';
import { dashboardHref } from '../paths';

/** The delivery options as typed (add form and a subscriber's own page). */
export interface SubscriberOptionValues {
  livemode: 'all' | 'live' | 'test';
  ordering: 'none' | 'transaction';
  /** Requests per second, '' for no limit. */
  rateLimit: string;
  /** `Name: value` lines. */
  headers: string;
}

/** What the add form holds: kept when the form comes back with an error. */
export interface SubscriberFormValues extends SubscriberOptionValues {
  url: string;
  description: string;
  eventTypes: string;
  providers: string[];
  /** Comma separated account names, as typed. */
  accounts: string;
  format: 'event' | 'raw';
  enabled: boolean;
}

export const EMPTY_SUBSCRIBER_FORM: SubscriberFormValues = {
  url: '',
  description: '',
  eventTypes: '',
  providers: [],
  accounts: '',
  format: 'event',
  enabled: true,
  livemode: 'all',
  ordering: 'none',
  rateLimit: '',
  headers: '',
};

/** A secret shown once, right after it was made. */
export interface RevealedSecret {
  url: string;
  secret: string;
  /** Set after a rotation: until when the previous secret keeps signing. */
  previousExpiresAt?: string;
}

export interface SubscribersProps {
  csrf: string;
  flash: Flash;
  subscribers: SubscriberView[];
  providerIds: string[];
  maxEnabled: number;
  form: SubscriberFormValues;
  /** The add form's error, shown beside it. */
  formError?: string | undefined;
  revealed?: RevealedSecret | undefined;
}

export const subscriberPath = (id: string, action?: string) =>
  `/subscribers/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;

const STATE_TONES = { active: 'ok', failing: 'bad', disabled: 'muted' } as const;

/** The subscriber's health at a glance: active, failing (since when) or disabled (and why). */
export function StateBadge({ subscriber }: { subscriber: SubscriberView }) {
  const reason =
    subscriber.disabled_reason === 'failing'
      ? 'auto-disabled: every attempt failed'
      : subscriber.disabled_reason === 'manual'
        ? 'disabled by an operator'
        : null;
  return (
    <span class="state" data-testid="subscriber-state" data-state={subscriber.state}>
      <Badge label={subscriber.state} tone={STATE_TONES[subscriber.state]} />
      {reason && <span class="dim small state-reason"> {reason}</span>}
      {subscriber.state === 'failing' && subscriber.failing_since && (
        <span class="dim small state-reason">
          {' '}
          since <Time iso={subscriber.failing_since} />
        </span>
      )}
    </span>
  );
}

/** Livemode, ordering, rate limit and static headers: the add form and the options form. */
export function OptionFields({ values }: { values: SubscriberOptionValues }) {
  return (
    <>
      <label>
        Livemode
        <select name="livemode">
          <option value="all" selected={values.livemode === 'all'}>
            all events
          </option>
          <option value="live" selected={values.livemode === 'live'}>
            live only
          </option>
          <option value="test" selected={values.livemode === 'test'}>
            test only
          </option>
        </select>
      </label>
      <label>
        Ordering
        <select name="ordering">
          <option value="none" selected={values.ordering === 'none'}>
            none: deliver at once
          </option>
          <option value="transaction" selected={values.ordering === 'transaction'}>
            transaction: one payment's events in order
          </option>
        </select>
      </label>
      <label>
        Rate limit (requests/s)
        <input
          type="number"
          name="rate_limit"
          min={1}
          max={10000}
          value={values.rateLimit}
          placeholder="none"
        />
      </label>
      <label class="span-2">
        Headers
        <textarea name="headers" rows={3} placeholder="X-Api-Key: value">
          {values.headers}
        </textarea>
        <span class="hint">
          Up to 10 lines of Name: value, sent with every request; content-type, host, content-length and
          webhook-* cannot be set.
        </span>
      </label>
    </>
  );
}

function SecretPanel({ revealed }: { revealed: RevealedSecret }) {
  return (
    <section class="secret-panel" data-testid="secret-panel">
      <h2>{revealed.previousExpiresAt ? 'New signing secret' : 'Subscriber added'}</h2>
      <p>
        Copy the signing secret of <strong>{revealed.url}</strong> now: it is not shown again here.
      </p>
      <code class="secret" data-testid="secret">
        {revealed.secret}
      </code>
      {revealed.previousExpiresAt && (
        <p class="dim">
          The previous secret keeps signing alongside it until{' '}
          <Time iso={revealed.previousExpiresAt} withAge={false} /> UTC.
        </p>
      )}
    </section>
  );
}

function Filters({ values }: { values: string[] }) {
  if (values.length === 0) return <span class="dim">all</span>;
  return (
    <span class="chips">
      {values.map((value) => (
        <span class="chip">{value}</span>
      ))}
    </span>
  );
}

function SubscriberRow({ subscriber, csrf }: { subscriber: SubscriberView; csrf: string }) {
  return (
    <tr data-testid="subscriber-row" data-subscriber-id={subscriber.id}>
      <td>
        <StateBadge subscriber={subscriber} />
      </td>
      <td class="wrap">
        <a class="strong mono" href={dashboardHref(subscriberPath(subscriber.id))}>
          {subscriber.url}
        </a>
        {subscriber.description && <div class="dim small">{subscriber.description}</div>}
        <div class="dim small mono">{subscriber.id}</div>
      </td>
      <td>
        <Filters values={subscriber.event_types} />
      </td>
      <td>
        <Filters values={subscriber.providers} />
        {subscriber.accounts.length > 0 && (
          <div class="dim small" data-testid="subscriber-accounts">
            accounts: {subscriber.accounts.join(', ')}
          </div>
        )}
      </td>
      <td>{subscriber.format}</td>
      <td>
        <Time iso={subscriber.created_at} />
      </td>
      <td class="actions">
        <ActionButton
          action={dashboardHref(subscriberPath(subscriber.id, subscriber.enabled ? 'disable' : 'enable'))}
          label={subscriber.enabled ? 'Disable' : 'Enable'}
          csrf={csrf}
        />
        <ActionButton
          action={dashboardHref(subscriberPath(subscriber.id, 'rotate'))}
          label="Rotate secret"
          csrf={csrf}
        />
        <a
          class="btn btn-small btn-danger-outline"
          href={dashboardHref(subscriberPath(subscriber.id, 'remove'))}
        >
          Remove
        </a>
      </td>
    </tr>
  );
}

function AddForm(props: {
  csrf: string;
  form: SubscriberFormValues;
  providerIds: string[];
  error?: string | undefined;
}) {
  const { form } = props;
  return (
    <Card title="Add a subscriber" class="add-subscriber">
      {props.error && (
        <div class="flash flash-error" role="alert" data-testid="form-error">
          {props.error}
        </div>
      )}
      <form
        method="post"
        action={dashboardHref('/subscribers')}
        class="form-grid"
        data-testid="add-subscriber"
      >
        <CsrfField token={props.csrf} />
        <label class="span-2">
          URL
          <input
            type="url"
            name="url"
            value={form.url}
            required
            placeholder="https://billing.internal.example/webhooks"
          />
        </label>
        <label>
          Description
          <input
            type="text"
            name="description"
            value={form.description}
            maxlength={1000}
            placeholder="optional"
          />
        </label>
        <label>
          Event types
          <input
            type="text"
            name="event_types"
            value={form.eventTypes}
            placeholder="all · or e.g. payment.*, subscription.created"
          />
          <span class="hint">
            Comma separated exact types or families like payment.*; empty means every type.
          </span>
        </label>
        <fieldset>
          <legend>Providers</legend>
          {props.providerIds.map((provider) => (
            <label class="check">
              <input
                type="checkbox"
                name="providers"
                value={provider}
                checked={form.providers.includes(provider)}
              />{' '}
              {provider}
            </label>
          ))}
          <span class="hint">None ticked means every provider.</span>
          <label>
            Accounts
            <input
              type="text"
              name="accounts"
              value={form.accounts}
              placeholder="all · or e.g. shop-eu, default"
            />
            <span class="hint">
              Comma separated provider accounts (names from ACCOUNTS_FILE, or default); empty means every
              account.
            </span>
          </label>
        </fieldset>
        <fieldset>
          <legend>Options</legend>
          <label>
            Format
            <select name="format">
              <option value="event" selected={form.format === 'event'}>
                event: the shared JSON event
              </option>
              <option value="raw" selected={form.format === 'raw'}>
                raw: the provider's original body
              </option>
            </select>
          </label>
          <label class="check">
            <input type="checkbox" name="enabled" value="on" checked={form.enabled} /> Enabled
          </label>
        </fieldset>
        <OptionFields values={form} />
        <div class="span-2">
          <button type="submit" class="btn btn-primary">
            Add subscriber
          </button>
        </div>
      </form>
    </Card>
  );
}

export function SubscribersPage(props: SubscribersProps) {
  const enabled = props.subscribers.filter((subscriber) => subscriber.enabled).length;
  return (
    <Layout title="Subscribers" section="subscribers" csrf={props.csrf} flash={props.flash}>
      <PageHeader
        title="Subscribers"
        subtitle={`Internal systems that receive events · ${enabled} of ${props.maxEnabled} enabled`}
      />
      {props.revealed && <SecretPanel revealed={props.revealed} />}
      <div class="card flush">
        <table class="table" data-testid="subscribers-table">
          <thead>
            <tr>
              <th>State</th>
              <th>URL</th>
              <th>Event types</th>
              <th>Providers</th>
              <th>Format</th>
              <th>Created (UTC)</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {props.subscribers.length === 0 && (
              <EmptyRow columns={7} text="No subscribers yet: add one below." />
            )}
            {props.subscribers.map((subscriber) => (
              <SubscriberRow subscriber={subscriber} csrf={props.csrf} />
            ))}
          </tbody>
        </table>
      </div>
      <AddForm csrf={props.csrf} form={props.form} providerIds={props.providerIds} error={props.formError} />
    </Layout>
  );
}

export function RemoveSubscriberPage({ csrf, subscriber }: { csrf: string; subscriber: SubscriberView }) {
  return (
    <Layout title="Remove subscriber" section="subscribers" csrf={csrf}>
      <PageHeader
        title="Remove subscriber?"
        subtitle={<a href={dashboardHref('/subscribers')}>Subscribers</a>}
      />
      <Card class="danger-card">
        <Facts
          rows={[
            ['URL', <Mono>{subscriber.url}</Mono>],
            ['Description', subscriber.description ?? '—'],
            ['State', <StateBadge subscriber={subscriber} />],
            ['Id', <Mono>{subscriber.id}</Mono>],
          ]}
        />
        <p>It will receive no more events. Its past deliveries and their attempts stay visible.</p>
        <form
          method="post"
          action={dashboardHref(subscriberPath(subscriber.id, 'delete'))}
          class="button-row"
        >
          <CsrfField token={csrf} />
          <button type="submit" class="btn btn-danger" data-testid="confirm-remove">
            Remove subscriber
          </button>
          <a class="btn btn-secondary" href={dashboardHref('/subscribers')}>
            Cancel
          </a>
        </form>
      </Card>
    </Layout>
  );
}
