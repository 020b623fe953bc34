import { Badge, Card, EmptyRow, Mono, PageHeader } from '../components';
import { type Flash, Layout } from '../layout';
import { type ProviderStats, type StatsTotals, WINDOW_HOURS } from '../overview-stats';
import { dashboardHref } from '../paths';

export type QueueDepths = Record<string, Record<string, number>>;

export interface OverviewProps {
  csrf: string;
  flash: Flash;
  stats: ProviderStats[];
  totals: StatsTotals;
  /** null when Redis did not answer. */
  queues: QueueDepths | null;
  endpoints: Array<{ provider: string; account: string; kind: string; url: string }>;
  subscribers: { enabled: number; total: number; max: number };
  refreshSeconds: number;
  /** Configuration warnings (e.g. no PayPal receiver list in live mode). */
  warnings: string[];
}

const QUEUE_STATES = ['waiting', 'delayed', 'active', 'failed'] as const;

function Stat(props: {
  label: string;
  value: number;
  tone?: 'ok' | 'bad' | 'warn';
  href?: string;
  hint?: string;
}) {
  const tone = props.value > 0 && props.tone ? `stat-${props.tone}` : '';
  const body = (
    <>
      <div class="stat-value">{props.value.toLocaleString('en-US')}</div>
      <div class="stat-label">{props.label}</div>
      {props.hint && <div class="stat-hint">{props.hint}</div>}
    </>
  );
  return props.href ? (
    <a class={`stat ${tone}`} href={props.href}>
      {body}
    </a>
  ) : (
    <div class={`stat ${tone}`}>{body}</div>
  );
}

function ProviderTable({ stats }: { stats: ProviderStats[] }) {
  return (
    <table class="table">
      <thead>
        <tr>
          <th>Provider</th>
          <th class="num">Received</th>
          <th class="num">Verified</th>
          <th class="num">Rejected / invalid</th>
          <th class="num">Duplicates</th>
          <th class="num">Delivered</th>
          <th class="num">Failing</th>
        </tr>
      </thead>
      <tbody>
        {stats.length === 0 && <EmptyRow columns={7} text="No providers enabled." />}
        {stats.map((row) => (
          <tr>
            <td>
              <a href={dashboardHref('/events', { provider: row.provider })}>{row.provider}</a>
            </td>
            <td class="num">{row.received}</td>
            <td class="num">{row.verified}</td>
            <td class="num">{row.rejected > 0 ? <span class="text-bad">{row.rejected}</span> : 0}</td>
            <td class="num">{row.duplicates}</td>
            <td class="num">{row.delivered}</td>
            <td class="num">{row.failed > 0 ? <span class="text-bad">{row.failed}</span> : 0}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function QueueTable({ queues }: { queues: QueueDepths | null }) {
  if (queues === null)
    return <p class="flash flash-error">Redis did not answer: queue depths are unavailable.</p>;
  return (
    <table class="table">
      <thead>
        <tr>
          <th>Queue</th>
          {QUEUE_STATES.map((state) => (
            <th class="num">{state}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {Object.entries(queues).map(([queue, counts]) => (
          <tr>
            <td>
              <Mono>{queue}</Mono>
            </td>
            {QUEUE_STATES.map((state) => (
              <td class={`num ${state === 'failed' && (counts[state] ?? 0) > 0 ? 'text-bad' : ''}`}>
                {counts[state] ?? 0}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function EndpointTable({ endpoints }: { endpoints: OverviewProps['endpoints'] }) {
  return (
    <table class="table">
      <thead>
        <tr>
          <th>Provider</th>
          <th>Account</th>
          <th>Kind</th>
          <th>Notification URL (give this to the provider)</th>
        </tr>
      </thead>
      <tbody>
        {endpoints.length === 0 && <EmptyRow columns={4} text="No provider is enabled." />}
        {endpoints.map((endpoint) => (
          <tr data-testid="endpoint-row">
            <td>{endpoint.provider}</td>
            <td>{endpoint.account}</td>
            <td>
              <Badge label={endpoint.kind.toUpperCase()} tone="info" />
            </td>
            <td>
              <Mono>{endpoint.url}</Mono>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function OverviewPage(props: OverviewProps) {
  const { totals } = props;
  return (
    <Layout
      title="Overview"
      section="overview"
      csrf={props.csrf}
      flash={props.flash}
      refreshSeconds={props.refreshSeconds}
    >
      <PageHeader
        title="Overview"
        subtitle={`Last ${WINDOW_HOURS} hours · refreshes every ${props.refreshSeconds} s`}
      />
      {props.warnings.map((warning) => (
        <div class="flash flash-error" role="alert" data-testid="config-warning">
          {warning}
        </div>
      ))}
      <div class="stats">
        <Stat label="Received" value={totals.received} href={dashboardHref('/messages')} />
        <Stat
          label="Verified"
          value={totals.verified}
          tone="ok"
          href={dashboardHref('/messages', { status: 'verified' })}
        />
        <Stat
          label="Rejected / invalid"
          value={totals.rejected}
          tone="bad"
          href={dashboardHref('/messages', { status: 'rejected' })}
        />
        <Stat
          label="Duplicates"
          value={totals.duplicates}
          href={dashboardHref('/messages', { status: 'duplicate' })}
        />
        <Stat
          label="Delivered"
          value={totals.delivered}
          tone="ok"
          href={dashboardHref('/deliveries', { status: 'succeeded' })}
        />
        <Stat
          label="Failing deliveries"
          value={totals.failed}
          tone="bad"
          hint={totals.retrying > 0 ? `${totals.retrying} retrying` : 'none retrying'}
          href={dashboardHref('/deliveries', { status: 'failed' })}
        />
      </div>
      <div class="grid-2">
        <Card title="By provider">
          <ProviderTable stats={props.stats} />
        </Card>
        <Card title="Queues">
          <QueueTable queues={props.queues} />
          <p class="note">
            Subscribers: <strong>{props.subscribers.enabled}</strong> of {props.subscribers.max} enabled
            {props.subscribers.total > props.subscribers.enabled && ` (${props.subscribers.total} in all)`} ·{' '}
            <a href={dashboardHref('/subscribers')}>manage</a>
          </p>
        </Card>
      </div>
      <Card title="Provider endpoints">
        <EndpointTable endpoints={props.endpoints} />
      </Card>
    </Layout>
  );
}
