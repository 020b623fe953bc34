// The operator dashboard, mounted at /dashboard by the gateway: server-rendered pages behind a
// login with the admin token.
import { type Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { trimTrailingSlash } from 'hono/trailing-slash';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError } from '../http/problem';
import { registerAssets } from './assets';
import type { DashboardContext, DashboardDeps } from './deps';
import { csrfTokenGuard, formSizeGuard, originGuard, sessionGuard } from './guards';
import { LoginThrottle } from './login-throttle';
import { ErrorPage } from './pages/error';
import { render } from './render';
import { registerAuthRoutes } from './routes/auth-routes';
import { registerDeliveryRoutes } from './routes/delivery-routes';
import { registerEventRoutes } from './routes/event-routes';
import { registerLifecycleRoutes } from './routes/lifecycle-routes';
import { registerMessageRoutes } from './routes/message-routes';
import { registerOverviewRoutes } from './routes/overview-routes';
import { registerPaymentRoutes } from './routes/payment-routes';
import { registerSubscriberRoutes } from './routes/subscriber-routes';
import { currentSession, type SessionKeys, SessionStore, sessionKeys } from './session';
import { errorMessage } from './subscriber-form';

export type { DashboardDeps } from './deps';

const REFRESH_SECONDS = 5;

const ERROR_TITLES: Record<number, string> = {
  403: 'Not allowed',
  404: 'Not found',
  413: 'Too large',
};

function errorPage(c: Context, keys: SessionKeys, status: ContentfulStatusCode, message: string) {
  const csrf = currentSession(c) ? keys.csrfToken : undefined;
  return render(
    c,
    ErrorPage({ title: ERROR_TITLES[status] ?? 'Something went wrong', message, csrf }),
    status,
  );
}

export function createDashboard(deps: DashboardDeps): Hono {
  const keys = sessionKeys(deps.adminToken);
  const sessions = new SessionStore(deps.db);
  const context: DashboardContext = {
    deps,
    keys,
    sessions,
    loginThrottle: new LoginThrottle(),
    refreshSeconds: REFRESH_SECONDS,
  };
  const app = new Hono();

  app.onError((error, c) => {
    if (error instanceof AppError) return errorPage(c, keys, error.status, errorMessage(error));
    if (error instanceof HTTPException) {
      const message =
        error.status === 403 && error.message === '' ? 'This request came from another site.' : error.message;
      return errorPage(c, keys, error.status as ContentfulStatusCode, message);
    }
    deps.logger.error({ err: error, path: c.req.path }, 'dashboard request failed');
    return errorPage(c, keys, 500, 'The page could not be made; the error was logged.');
  });

  app.use('*', originGuard());
  app.use('*', formSizeGuard());
  app.use('*', sessionGuard(sessions));
  app.use('*', csrfTokenGuard(keys));
  app.use('*', trimTrailingSlash()); // `/dashboard/events/` → `/dashboard/events`

  registerAssets(app);
  registerAuthRoutes(app, context);
  registerOverviewRoutes(app, context);
  registerPaymentRoutes(app, context);
  registerEventRoutes(app, context);
  registerDeliveryRoutes(app, context);
  registerSubscriberRoutes(app, context);
  registerMessageRoutes(app, context);
  registerLifecycleRoutes(app, context);
  app.all('*', (c) => errorPage(c, keys, 404, `There is no dashboard page at ${c.req.path}.`));
  return app;
}
