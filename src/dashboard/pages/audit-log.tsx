import type { AuditRecord } from '../../audit/audit-log';
import { EmptyRow, Mono, PageHeader, Pager, Time } from '../components';
import { type Flash, Layout } from '../layout';
import { dashboardHref } from '../paths';

export interface AuditLogProps {
  csrf: string;
  flash: Flash;
  entries: AuditRecord[];
  nextHref: string | null;
  isFirstPage: boolean;
}

export function AuditLogPage(props: AuditLogProps) {
  return (
    <Layout title="Audit log" section="audit" csrf={props.csrf} flash={props.flash}>
      <PageHeader title="Audit log" subtitle="Admin actions from the API and the dashboard, newest first" />
      <div class="card flush">
        <table class="table" data-testid="audit-table">
          <thead>
            <tr>
              <th>When (UTC)</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Target</th>
              <th>Details</th>
              <th>Request id</th>
            </tr>
          </thead>
          <tbody>
            {props.entries.length === 0 && <EmptyRow columns={6} text="No admin actions yet." />}
            {props.entries.map((entry) => (
              <tr data-testid="audit-row" data-action={entry.action}>
                <td>
                  <Time iso={entry.at} />
                </td>
                <td>
                  <Mono>{entry.actor}</Mono>
                </td>
                <td>{entry.action}</td>
                <td>{entry.target ? <Mono>{entry.target}</Mono> : <span class="dim">—</span>}</td>
                <td class="wrap">
                  <Mono>{JSON.stringify(entry.details)}</Mono>
                </td>
                <td>{entry.request_id ? <Mono>{entry.request_id}</Mono> : <span class="dim">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager firstHref={dashboardHref('/audit-log')} nextHref={props.nextHref} isFirst={props.isFirstPage} />
    </Layout>
  );
}
