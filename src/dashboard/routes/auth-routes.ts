// Login and logout. The cookie names a server-side session; failed logins are throttled per address.
import type { Hono } from 'hono';
import { clientAddressOf } from '../../http/client-address';
import type { DashboardContext } from '../deps';
import { readForm } from '../form';
import { LoginPage } from '../pages/login';
import { DASHBOARD_BASE, dashboardHref, safeReturnPath } from '../paths';
import { flashOf, render } from '../render';
import { endSession, sameSecret, sessionOf, startSession } from '../session';

export function registerAuthRoutes(app: Hono, { deps, sessions, loginThrottle }: DashboardContext): void {
  app.get('/login', async (c) => {
    const next = safeReturnPath(c.req.query('next'), DASHBOARD_BASE);
    if ((await sessionOf(c, sessions)) !== null) return c.redirect(next, 302);
    return render(c, LoginPage({ next, flash: flashOf(c) }));
  });

  app.post('/login', async (c) => {
    const address = clientAddressOf(c, deps.clientAddress) ?? 'unknown';
    const form = await readForm(c);
    const next = safeReturnPath(form.text('next'), DASHBOARD_BASE);
    const waitMs = loginThrottle.waitMs(address);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      c.header('retry-after', String(seconds));
      return render(
        c,
        LoginPage({ next, error: `Too many wrong tokens from your address. Try again in ${seconds} s.` }),
        429,
      );
    }
    if (!sameSecret(form.text('token'), deps.adminToken)) {
      loginThrottle.recordFailure(address);
      deps.logger.warn({ remote: address }, 'dashboard login with a wrong token');
      return render(c, LoginPage({ next, error: 'That is not the admin token.' }), 401);
    }
    loginThrottle.recordSuccess(address);
    await startSession(c, sessions);
    return c.redirect(next, 302);
  });

  app.post('/logout', async (c) => {
    await endSession(c, sessions);
    return c.redirect(dashboardHref('/login', { notice: 'You are signed out.' }), 302);
  });
}
