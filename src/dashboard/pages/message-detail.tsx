import type { MessageDetail } from '../../api/queries/messages';
import { Badge, Card, Facts, Mono, PageHeader, Time } from '../components';
import { type Flash, Layout } from '../layout';
import { dashboardHref } from '../paths';

export interface MessageDetailProps {
  csrf: string;
  flash: Flash;
  message: MessageDetail;
}

/** The body as text: UTF-8 when it is valid UTF-8, else byte for byte as Latin-1. */
function bodyAsText(bytes: Buffer): { text: string; encoding: string } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'UTF-8' };
  } catch {
    return { text: bytes.toString('latin1'), encoding: 'Latin-1 (not valid UTF-8)' };
  }
}

function HeaderTable({ headers }: { headers: Record<string, string> }) {
  const entries = Object.entries(headers).sort(([a], [b]) => a.localeCompare(b));
  return (
    <table class="table compact">
      <tbody>
        {entries.map(([name, value]) => (
          <tr>
            <th class="mono header-name">{name}</th>
            <td class="mono wrap">{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function MessageDetailPage({ csrf, flash, message }: MessageDetailProps) {
  const bytes = Buffer.from(message.raw_body_base64, 'base64');
  const body = bodyAsText(bytes);
  return (
    <Layout title={`Message ${message.id}`} section="messages" csrf={csrf} flash={flash}>
      <PageHeader
        title={`${message.provider} ${message.kind.toUpperCase()}`}
        subtitle={
          <>
            <a href={dashboardHref('/messages')}>Messages</a> / <Mono>{message.id}</Mono>
          </>
        }
      />
      <div class="grid-2">
        <Card title="Message">
          <Facts
            rows={[
              ['Status', <Badge label={message.status} />],
              ['Reason', message.reason ?? '—'],
              ['Received', <Time iso={message.received_at} />],
              ['Remote address', <Mono>{message.remote_addr ?? '—'}</Mono>],
              ['Content type', <Mono>{message.content_type ?? '—'}</Mono>],
              ['Body size', `${bytes.length.toLocaleString('en-US')} bytes`],
              [
                'Event',
                message.event_id ? (
                  <a href={dashboardHref(`/events/${encodeURIComponent(message.event_id)}`)}>
                    <Mono>{message.event_id}</Mono>
                  </a>
                ) : (
                  '—'
                ),
              ],
              ['Verification attempts', String(message.verify_attempts)],
              ['Last verification error', message.verify_error ?? '—'],
            ]}
          />
        </Card>
        <Card title="Headers">
          <HeaderTable headers={message.headers} />
        </Card>
      </div>
      <Card title={`Raw body as text (${body.encoding})`}>
        <pre class="code wrap" data-testid="raw-text">
          {body.text}
        </pre>
      </Card>
      <Card title="Raw body as base64 (the exact bytes received)">
        <pre class="code wrap" data-testid="raw-base64">
          {message.raw_body_base64}
        </pre>
      </Card>
    </Layout>
  );
}
