import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { getSubscriber, listSubscribers } from '../../api/queries/subscribers';
import { parseDuration } from '../../config/duration';
import { AppError } from '../../http/problem';
import type { PingResult } from '../../subscribers/subscriber-ping';
import {
  createSubscriber,
  deleteSubscriber,
  MAX_ENABLED_SUBSCRIBERS,
  rotateSubscriberSecret,
  updateSubscriber,
} from '../../subscribers/subscriber-service';
import type { SubscriberView } from '../../subscribers/subscriber-view';
import { auditDashboard } from '../audit';
import type { DashboardContext } from '../deps';
import { readForm } from '../form';
import type { Flash } from '../layout';
import { SubscriberDetailPage } from '../pages/subscriber-detail';
import type { SubscriberOptionValues } from '../pages/subscribers';
import {
  EMPTY_SUBSCRIBER_FORM,
  RemoveSubscriberPage,
  type RevealedSecret,
  type SubscriberFormValues,
  SubscribersPage,
} from '../pages/subscribers';
import { dashboardHref, safeReturnPath, withFlash } from '../paths';
import { flashOf, render } from '../render';
import {
  errorMessage,
  headerLines,
  optionValues,
  subscriberFormValues,
  toNewSubscriber,
  toOptionChanges,
} from '../subscriber-form';

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
  const change = async (c: Context, work: () => Promise<string>, back = LIST_PATH) => {
    try {
      return c.redirect(withFlash(back, 'notice', await work()), 302);
    } catch (error) {
      if (error instanceof AppError) return c.redirect(withFlash(back, 'error', errorMessage(error)), 302);
      throw error;
    }
  };

  const subscriberOrFail = async (id: string) => {
    const subscriber = await getSubscriber(deps.db, id);
    if (!subscriber) throw new AppError(404, `There is no subscriber ${id}.`);
    return subscriber;
  };

  app.get('/subscribers', (c) => showList(c, { flash: flashOf(c) }));

  const storedOptions = (subscriber: SubscriberView): SubscriberOptionValues => ({
    livemode: subscriber.livemode,
    ordering: subscriber.ordering,
    rateLimit: subscriber.rate_limit === null ? '' : String(subscriber.rate_limit),
    headers: headerLines(subscriber.headers),
  });

  const showDetail = async (
    c: Context,
    id: string,
    state: { flash: Flash; ping?: PingResult; options?: SubscriberOptionValues; optionsError?: string },
    status: ContentfulStatusCode = 200,
  ) => {
    const subscriber = await subscriberOrFail(id);
    const page = SubscriberDetailPage({
      csrf: keys.csrfToken,
      flash: state.flash,
      subscriber,
      options: state.options ?? storedOptions(subscriber),
      optionsError: state.optionsError,
      ping: state.ping,
    });
    return render(c, page, status);
  };

  app.get('/subscribers/:id', (c) => showDetail(c, c.req.param('id'), { flash: flashOf(c) }));

  app.post('/subscribers/:id/test', async (c) => {
    const id = c.req.param('id');
    const ping = await deps.operations.ping(id);
    if (!ping) throw new AppError(404, `There is no subscriber ${id}.`);
    return showDetail(c, id, { flash: {}, ping });
  });

  app.post('/subscribers/:id/recover', async (c) => {
    const id = c.req.param('id');
    const detail = dashboardHref(`/subscribers/${encodeURIComponent(id)}`);
    const form = await readForm(c);
    try {
      const since = pointInTime(form.text('since'));
      const until = form.text('until') === '' ? undefined : pointInTime(form.text('until'));
      const count = await deps.operations.recover(id, since, until);
      await auditDashboard(deps, c, {
        action: 'delivery.recover',
        target: id,
        details: { deliveries: count, since: since.toISOString(), until: until?.toISOString() ?? null },
      });
      return c.redirect(
        withFlash(detail, 'notice', `Queued ${count} deliveries, in the order received.`),
        302,
      );
    } catch (error) {
      if (error instanceof AppError) return c.redirect(withFlash(detail, 'error', errorMessage(error)), 302);
      throw error;
    }
  });

  app.post('/subscribers/:id/options', async (c) => {
    const id = c.req.param('id');
    const options = optionValues(await readForm(c));
    try {
      const changes = toOptionChanges(options);
      await updateSubscriber(deps.db, id, changes, deps.providerIds);
      await auditDashboard(deps, c, {
        action: 'subscriber.update',
        target: id,
        details: { changed: Object.keys(changes) },
      });
      const detail = dashboardHref(`/subscribers/${encodeURIComponent(id)}`);
      return c.redirect(withFlash(detail, 'notice', 'Saved the delivery options.'), 302);
    } catch (error) {
      if (!(error instanceof AppError) || error.status === 404) throw error;
      return showDetail(c, id, { flash: {}, options, optionsError: errorMessage(error) }, error.status);
    }
  });

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
    app.post(`/subscribers/:id/${action}`, async (c) => {
      const back = safeReturnPath((await readForm(c)).text('back'), LIST_PATH);
      return change(
        c,
        async () => {
          const updated = await updateSubscriber(deps.db, c.req.param('id'), { enabled }, deps.providerIds);
          await auditDashboard(deps, c, {
            action: 'subscriber.update',
            target: updated.id,
            details: { changed: ['enabled'], enabled },
          });
          return `${enabled ? 'Enabled' : 'Disabled'} ${updated.url}.`;
        },
        back,
      );
    });
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

/** `2h` / `3d` (that long ago) or an RFC 3339 time; 422 otherwise. */
function pointInTime(text: string): Date {
  const ago = parseDuration(text);
  if (ago !== null) return new Date(Date.now() - ago);
  const at = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(at)) {
    throw new AppError(
      422,
      `"${text}" is neither a duration like 2h or 3d nor a time like 2026-11-21T12:00:00Z.`,
    );
  }
  return new Date(at);
}
