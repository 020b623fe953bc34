import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { getSubscriber, listSubscribers } from '../../api/queries/subscribers';
import { AppError } from '../../http/problem';
import {
  createSubscriber,
  deleteSubscriber,
  MAX_ENABLED_SUBSCRIBERS,
  rotateSubscriberSecret,
  updateSubscriber,
} from '../../subscribers/subscriber-service';
import { auditDashboard } from '../audit';
import type { DashboardContext } from '../deps';
import { readForm } from '../form';
import type { Flash } from '../layout';
import {
  EMPTY_SUBSCRIBER_FORM,
  RemoveSubscriberPage,
  type RevealedSecret,
  type SubscriberFormValues,
  SubscribersPage,
} from '../pages/subscribers';
import { dashboardHref, withFlash } from '../paths';
import { flashOf, render } from '../render';
import { errorMessage, subscriberFormValues, toNewSubscriber } from '../subscriber-form';

const LIST_PATH = dashboardHref('/subscribers');

interface PageState {
  flash: Flash;
  form?: SubscriberFormValues;
  formError?: string;
  revealed?: RevealedSecret;
  status?: ContentfulStatusCode;
}

export function registerSubscriberRoutes(app: Hono, { deps, keys }: DashboardContext): void {
  const showList = async (c: Context, state: PageState) => {
    const { data } = await listSubscribers(deps.db, { limit: 200 });
    const page = SubscribersPage({
      csrf: keys.csrfToken,
      flash: state.flash,
      subscribers: data,
      providerIds: deps.providerIds,
      maxEnabled: MAX_ENABLED_SUBSCRIBERS,
      form: state.form ?? EMPTY_SUBSCRIBER_FORM,
      formError: state.formError,
      revealed: state.revealed,
    });
    return render(c, page, state.status ?? 200);
  };

  /** Runs a change; a service refusal (404, 409, 422) comes back to the list as an error message. */
  const change = async (c: Context, work: () => Promise<string>) => {
    try {
      return c.redirect(withFlash(LIST_PATH, 'notice', await work()), 302);
    } catch (error) {
      if (error instanceof AppError)
        return c.redirect(withFlash(LIST_PATH, 'error', errorMessage(error)), 302);
      throw error;
    }
  };

  const subscriberOrFail = async (id: string) => {
    const subscriber = await getSubscriber(deps.db, id);
    if (!subscriber) throw new AppError(404, `There is no subscriber ${id}.`);
    return subscriber;
  };

  app.get('/subscribers', (c) => showList(c, { flash: flashOf(c) }));

  app.post('/subscribers', async (c) => {
    const form = subscriberFormValues(await readForm(c));
    try {
      const created = await createSubscriber(deps.db, deps.secrets, toNewSubscriber(form), deps.providerIds);
      await auditDashboard(deps, c, {
        action: 'subscriber.create',
        target: created.id,
        details: { url: created.url, enabled: created.enabled },
      });
      const notice = `Added ${created.url}${created.enabled ? '' : ' (disabled)'}.`;
      return showList(c, {
        flash: { notice },
        revealed: { url: created.url, secret: created.secret },
        status: 201,
      });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return showList(c, { flash: {}, form, formError: errorMessage(error), status: error.status });
    }
  });

  for (const [action, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    app.post(`/subscribers/:id/${action}`, (c) =>
      change(c, async () => {
        const updated = await updateSubscriber(deps.db, c.req.param('id'), { enabled }, deps.providerIds);
        await auditDashboard(deps, c, {
          action: 'subscriber.update',
          target: updated.id,
          details: { changed: ['enabled'], enabled },
        });
        return `${enabled ? 'Enabled' : 'Disabled'} ${updated.url}.`;
      }),
    );
  }

  app.post('/subscribers/:id/rotate', async (c) => {
    try {
      const subscriber = await subscriberOrFail(c.req.param('id'));
      const rotated = await rotateSubscriberSecret(deps.db, deps.secrets, subscriber.id);
      await auditDashboard(deps, c, { action: 'subscriber.rotate_secret', target: subscriber.id });
      return showList(c, {
        flash: { notice: `Rotated the signing secret of ${subscriber.url}.` },
        revealed: {
          url: subscriber.url,
          secret: rotated.secret,
          previousExpiresAt: rotated.previous_secret_expires_at,
        },
      });
    } catch (error) {
      if (error instanceof AppError)
        return c.redirect(withFlash(LIST_PATH, 'error', errorMessage(error)), 302);
      throw error;
    }
  });

  app.get('/subscribers/:id/remove', async (c) => {
    const subscriber = await getSubscriber(deps.db, c.req.param('id'));
    if (!subscriber)
      return c.redirect(withFlash(LIST_PATH, 'error', 'That subscriber is already gone.'), 302);
    return render(c, RemoveSubscriberPage({ csrf: keys.csrfToken, subscriber }));
  });

  app.post('/subscribers/:id/delete', (c) =>
    change(c, async () => {
      const subscriber = await subscriberOrFail(c.req.param('id'));
      await deleteSubscriber(deps.db, subscriber.id);
      await auditDashboard(deps, c, { action: 'subscriber.delete', target: subscriber.id });
      return `Removed ${subscriber.url}.`;
    }),
  );
}
