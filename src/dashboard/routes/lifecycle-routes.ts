// Erasure form and the audit log page.
import type { Hono } from 'hono';
import { listAudit } from '../../audit/audit-log';
import { emailDigest } from '../../lifecycle/email-patterns';
import { eraseByEmail } from '../../lifecycle/erasure';
import { auditDashboard } from '../audit';
import type { DashboardContext } from '../deps';
import { readForm } from '../form';
import { AuditLogPage } from '../pages/audit-log';
import { ErasuresPage } from '../pages/erasures';
import { dashboardHref, withFlash } from '../paths';
import { PAGE_SIZE } from '../query';
import { flashOf, render } from '../render';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function registerLifecycleRoutes(app: Hono, { deps, keys }: DashboardContext): void {
  app.get('/erasures', (c) => render(c, ErasuresPage({ csrf: keys.csrfToken, flash: flashOf(c) })));

  app.post('/erasures', async (c) => {
    const email = (await readForm(c)).text('email').trim();
    const back = dashboardHref('/erasures');
    if (!EMAIL.test(email) || email.length > 320)
      return c.redirect(withFlash(back, 'error', 'Give the email address to erase.'), 302);
    const result = await eraseByEmail(deps.db, email);
    const digest = emailDigest(email);
    await auditDashboard(deps, c, { action: 'erasure.create', target: digest, details: { ...result } });
    deps.logger.info({ email: digest, ...result }, 'erasure done');
    // The flash does not repeat the address: it would end up in the browser history.
    const notice = `Erased the personal data of ${result.messages} messages and ${result.events} events.`;
    return c.redirect(withFlash(back, 'notice', notice), 302);
  });

  app.get('/audit-log', async (c) => {
    const cursor = c.req.query('cursor');
    const page = await listAudit(deps.db, {
      limit: PAGE_SIZE,
      cursor: cursor !== undefined && /^\d+$/.test(cursor) ? cursor : undefined,
    });
    return render(
      c,
      AuditLogPage({
        csrf: keys.csrfToken,
        flash: flashOf(c),
        entries: page.data,
        nextHref: page.next_cursor ? dashboardHref('/audit-log', { cursor: page.next_cursor }) : null,
        isFirstPage: cursor === undefined,
      }),
    );
  });
}
