// Small building blocks shared by the pages.
import type { Child } from 'hono/jsx';
import { formatTime, relativeTime } from './format';
import { CSRF_FIELD } from './guards';

const BADGE_TONES: Record<string, string> = {
  succeeded: 'ok',
  verified: 'ok',
  enabled: 'ok',
  live: 'ok',
  failed: 'bad',
  rejected: 'bad',
  invalid: 'bad',
  pending: 'warn',
  retrying: 'warn',
  duplicate: 'muted',
  disabled: 'muted',
  test: 'muted',
  manual: 'info',
  scheduled: 'muted',
};

export function Badge({ label, tone }: { label: string; tone?: string }) {
  return <span class={`badge badge-${tone ?? BADGE_TONES[label] ?? 'muted'}`}>{label}</span>;
}

export function Time({ iso, withAge = true }: { iso: string | null | undefined; withAge?: boolean }) {
  if (!iso) return <span class="dim">—</span>;
  return (
    <span class="time">
      <time datetime={iso} title={`${iso} (UTC)`}>
        {formatTime(iso)}
      </time>
      {withAge && <span class="age">{relativeTime(iso)}</span>}
    </span>
  );
}

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={token} />;
}

/** A one-button POST form (retry, enable, rotate...). */
export function ActionButton(props: {
  action: string;
  label: string;
  csrf: string;
  style?: 'primary' | 'secondary' | 'danger';
  back?: string;
  testId?: string;
}) {
  return (
    <form method="post" action={props.action} class="inline">
      <CsrfField token={props.csrf} />
      {props.back && <input type="hidden" name="back" value={props.back} />}
      <button
        type="submit"
        class={`btn btn-small btn-${props.style ?? 'secondary'}`}
        data-testid={props.testId}
      >
        {props.label}
      </button>
    </form>
  );
}

export function PageHeader(props: { title: string; subtitle?: Child; actions?: Child }) {
  return (
    <div class="page-header">
      <div>
        <h1>{props.title}</h1>
        {props.subtitle && <p class="subtitle">{props.subtitle}</p>}
      </div>
      {props.actions && <div class="page-actions">{props.actions}</div>}
    </div>
  );
}

export function Card(props: { title?: Child; children?: Child; class?: string; actions?: Child }) {
  return (
    <section class={`card ${props.class ?? ''}`}>
      {(props.title || props.actions) && (
        <header class="card-header">
          {props.title && <h2>{props.title}</h2>}
          {props.actions}
        </header>
      )}
      {props.children}
    </section>
  );
}

export function EmptyRow({ columns, text }: { columns: number; text: string }) {
  return (
    <tr>
      <td colspan={columns} class="empty">
        {text}
      </td>
    </tr>
  );
}

/** "Newest" and "Older" links of a cursor-paged list. */
export function Pager({
  firstHref,
  nextHref,
  isFirst,
}: {
  firstHref: string;
  nextHref: string | null;
  isFirst: boolean;
}) {
  if (isFirst && nextHref === null) return null;
  return (
    <nav class="pager">
      {isFirst ? (
        <span class="btn btn-small btn-disabled">← Newest</span>
      ) : (
        <a class="btn btn-small btn-secondary" href={firstHref}>
          ← Newest
        </a>
      )}
      {nextHref === null ? (
        <span class="btn btn-small btn-disabled">Older →</span>
      ) : (
        <a class="btn btn-small btn-secondary" href={nextHref}>
          Older →
        </a>
      )}
    </nav>
  );
}

/** A labelled control whose label names it by id (for controls made by components). */
export function Field(props: { label: string; id: string; class?: string; children?: Child }) {
  return (
    <div class={`field ${props.class ?? ''}`}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.children}
    </div>
  );
}

export function Select(props: {
  id?: string;
  name: string;
  value: string | undefined;
  options: ReadonlyArray<string | [value: string, label: string]>;
  anyLabel?: string;
}) {
  return (
    <select name={props.name} id={props.id}>
      {props.anyLabel !== undefined && <option value="">{props.anyLabel}</option>}
      {props.options.map((option) => {
        const [value, label] = typeof option === 'string' ? [option, option] : option;
        return (
          <option value={value} selected={value === props.value}>
            {label}
          </option>
        );
      })}
    </select>
  );
}

/** Label/value rows of a detail page. */
export function Facts({ rows }: { rows: Array<[label: string, value: Child]> }) {
  return (
    <dl class="facts">
      {rows.map(([label, value]) => (
        <div>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Mono({ children }: { children?: Child }) {
  return <span class="mono">{children}</span>;
}
