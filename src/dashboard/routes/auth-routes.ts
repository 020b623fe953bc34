// Login and logout. The cookie holds a value derived from the admin token, never the token.
import type { Hono } from 'hono';
import type { DashboardContext } from '../deps';
import { readForm } from '../form';
import { LoginPage } from '../pages/login';
import { DASHBOARD_BASE, dashboardHref, safeReturnPath } from '../paths';
import { flashOf, render } from '../render';
import { endSession, hasValidSession, sameSecret, startSession } from '../session';

export function registerAuthRoutes(app: Hono, { deps, keys }: DashboardContext): void {
  app.get('/login', (c) => {
    const next = safeReturnPath(c.req.query('next'), DASHBOARD_BASE);
    if (hasValidSession(c, keys)) return c.redirect(next, 302);
    return render(c, LoginPage({ next, flash: flashOf(c) }));
  });

  app.post('/login', async (c) => {
    const form = await readForm(c);
    const next = safeReturnPath(form.text('next'), DASHBOARD_BASE);
    if (!sameSecret(form.text('token'), deps.adminToken)) {
      deps.logger.warn({ remote: c.req.header('x-forwarded-for') }, 'dashboard login with a wrong token');
      return render(c, LoginPage({ next, error: 'That is not the admin token.' }), 401);
    }
    startSession(c, keys);
    return c.redirect(next, 302);
  });

  app.post('/logout', (c) => {
    endSession(c);
    return c.redirect(dashboardHref('/login', { notice: 'You are signed out.' }), 302);
  });
}
