import type { MessageView } from '../../api/queries/messages';
import { Badge, EmptyRow, Field, Mono, PageHeader, Pager, Select, Time } from '../components';
import { type Flash, Layout } from '../layout';
import { dashboardHref } from '../paths';

export const MESSAGE_STATUSES = ['pending', 'verified', 'invalid', 'rejected', 'duplicate'] as const;

import { MESSAGE_KINDS } from '../../../providers/index';

export { MESSAGE_KINDS };

export interface MessageFilterValues {
  provider?: string | undefined;
  status?: string | undefined;
  kind?: string | undefined;
}

export interface MessagesProps {
  csrf: string;
  flash: Flash;
  messages: MessageView[];
  filter: MessageFilterValues;
  providerIds: string[];
  nextHref: string | null;
  isFirstPage: boolean;
}

function Filters({ filter, providerIds }: { filter: MessageFilterValues; providerIds: string[] }) {
  return (
    <form method="get" action={dashboardHref('/messages')} class="filters">
      <Field label="Provider" id="messages-provider">
        <Select
          id="messages-provider"
          name="provider"
          value={filter.provider}
          options={providerIds}
          anyLabel="All providers"
        />
      </Field>
      <Field label="Status" id="messages-status">
        <Select
          id="messages-status"
          name="status"
          value={filter.status}
          options={MESSAGE_STATUSES}
          anyLabel="All statuses"
        />
      </Field>
      <Field label="Kind" id="messages-kind">
        <Select
          id="messages-kind"
          name="kind"
          value={filter.kind}
          options={MESSAGE_KINDS}
          anyLabel="All kinds"
        />
      </Field>
      <button type="submit" class="btn btn-primary">
        Filter
      </button>
      <a class="btn btn-secondary" href={dashboardHref('/messages')}>
        Reset
      </a>
    </form>
  );
}

export function MessagesPage(props: MessagesProps) {
  return (
    <Layout title="Messages" section="messages" csrf={props.csrf} flash={props.flash}>
      <PageHeader title="Inbound messages" subtitle="Every provider request, accepted or not, newest first" />
      <Filters filter={props.filter} providerIds={props.providerIds} />
      <div class="card flush">
        <table class="table" data-testid="messages-table">
          <thead>
            <tr>
              <th>Received (UTC)</th>
              <th>Provider</th>
              <th>Kind</th>
              <th>Status</th>
              <th>Reason</th>
              <th>Event</th>
              <th>Message id</th>
            </tr>
          </thead>
          <tbody>
            {props.messages.length === 0 && <EmptyRow columns={7} text="No messages match." />}
            {props.messages.map((message) => {
              const href = dashboardHref(`/messages/${encodeURIComponent(message.id)}`);
              return (
                <tr data-testid="message-row" data-status={message.status}>
                  <td>
                    <Time iso={message.received_at} />
                  </td>
                  <td>{message.provider}</td>
                  <td>{message.kind.toUpperCase()}</td>
                  <td>
                    <Badge label={message.status} />
                  </td>
                  <td class="wrap reason">{message.reason ?? <span class="dim">—</span>}</td>
                  <td>
                    {message.event_id ? (
                      <a href={dashboardHref(`/events/${encodeURIComponent(message.event_id)}`)}>
                        <Mono>{message.event_id}</Mono>
                      </a>
                    ) : (
                      <span class="dim">—</span>
                    )}
                  </td>
                  <td>
                    <a href={href}>
                      <Mono>{message.id}</Mono>
                    </a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <Pager
        firstHref={dashboardHref('/messages', { ...props.filter })}
        nextHref={props.nextHref}
        isFirst={props.isFirstPage}
      />
    </Layout>
  );
}
