// The page frame: navigation, flash messages and the region that refreshes itself.
import type { Child } from 'hono/jsx';
import { CsrfField } from './components';
import { DASHBOARD_BASE, dashboardHref } from './paths';

export type Section =
  | 'overview'
  | 'payments'
  | 'events'
  | 'deliveries'
  | 'subscribers'
  | 'messages'
  | 'audit'
  | 'erasures';

const NAVIGATION: Array<[Section, string, string]> = [
  ['overview', 'Overview', '/'],
  ['payments', 'Payments', '/payments'],
  ['events', 'Events', '/events'],
  ['deliveries', 'Deliveries', '/deliveries'],
  ['subscribers', 'Subscribers', '/subscribers'],
  ['messages', 'Messages', '/messages'],
  ['audit', 'Audit log', '/audit-log'],
  ['erasures', 'Erasure', '/erasures'],
];

export interface Flash {
  notice?: string | undefined;
  error?: string | undefined;
}

export interface LayoutProps {
  title: string;
  section?: Section;
  /** Present once signed in: the logout form needs it. */
  csrf?: string;
  flash?: Flash;
  /** Reload the page's main region every N seconds. */
  refreshSeconds?: number | undefined;
  children?: Child;
}

function Head({ title }: { title: string }) {
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>{`${title} · ipn-gateway`}</title>
      <link rel="stylesheet" href={`${DASHBOARD_BASE}/assets/dashboard.css`} />
      <script src={`${DASHBOARD_BASE}/assets/dashboard.js`} defer />
    </head>
  );
}

function TopBar({ section, csrf }: { section?: Section | undefined; csrf?: string | undefined }) {
  return (
    <header class="topbar">
      <a class="brand" href={dashboardHref('/')}>
        <span class="brand-mark">◆</span> ipn-gateway
      </a>
      {csrf !== undefined && (
        <>
          <nav class="nav">
            {NAVIGATION.map(([key, label, path]) => (
              <a href={dashboardHref(path)} class={key === section ? 'active' : undefined}>
                {label}
              </a>
            ))}
          </nav>
          <form method="post" action={dashboardHref('/logout')} class="logout">
            <CsrfField token={csrf} />
            <button type="submit" class="btn btn-small btn-ghost">
              Log out
            </button>
          </form>
        </>
      )}
    </header>
  );
}

export function FlashMessages({ flash }: { flash?: Flash | undefined }) {
  return (
    <>
      {flash?.notice && (
        <div class="flash flash-notice" role="status">
          {flash.notice}
        </div>
      )}
      {flash?.error && (
        <div class="flash flash-error" role="alert">
          {flash.error}
        </div>
      )}
    </>
  );
}

export function Layout(props: LayoutProps) {
  return (
    <html lang="en">
      <Head title={props.title} />
      <body>
        <TopBar section={props.section} csrf={props.csrf} />
        <div class="container">
          <FlashMessages flash={props.flash} />
          <main id="main" data-refresh={props.refreshSeconds}>
            {props.children}
          </main>
        </div>
      </body>
    </html>
  );
}
