import type { Hono } from 'hono';
import { type DeliveryStatus, listDeliveries } from '../../api/queries/deliveries';
import { getSubscriber, listSubscribers } from '../../api/queries/subscribers';
import { BULK_RETRY_LIMIT, retryDelivery, retryFailedDeliveries } from '../../delivery/delivery-commands';
import { auditDashboard } from '../audit';
import type { DashboardContext } from '../deps';
import { readForm } from '../form';
import { formatTime, parseUtcDatetime, toDatetimeLocal } from '../format';
import { DELIVERY_STATUS_FILTERS, DeliveriesPage } from '../pages/deliveries';
import { dashboardHref, safeReturnPath, withFlash, withoutFlash } from '../paths';
import { cursorOf, oneOf, PAGE_SIZE } from '../query';
import { flashOf, render } from '../render';

const DAY_MS = 24 * 3600_000;

export function registerDeliveryRoutes(app: Hono, { deps, keys, refreshSeconds }: DashboardContext): void {
  app.get('/deliveries', async (c) => {
    const status = oneOf(c.req.query('status'), DELIVERY_STATUS_FILTERS) ?? 'failed';
    const subscribers = (await listSubscribers(deps.db, { limit: 200 })).data;
    const subscriberId = oneOf(
      c.req.query('subscriber_id'),
      subscribers.map((subscriber) => subscriber.id),
    );
    const afterId = cursorOf(c);
    const filter = {
      status: status === 'all' ? undefined : (status as DeliveryStatus),
      subscriber_id: subscriberId,
    };
    const page = await listDeliveries(deps.db, filter, { limit: PAGE_SIZE, afterId });
    const url = new URL(c.req.url);
    return render(
      c,
      DeliveriesPage({
        csrf: keys.csrfToken,
        flash: flashOf(c),
        deliveries: page.data,
        status,
        subscriberId,
        subscribers,
        back: withoutFlash(`${url.pathname}${url.search}`),
        nextHref: page.next_cursor
          ? dashboardHref('/deliveries', { status, subscriber_id: subscriberId, cursor: page.next_cursor })
          : null,
        isFirstPage: afterId === undefined,
        defaultSince: toDatetimeLocal(new Date(Date.now() - DAY_MS)),
        refreshSeconds,
      }),
    );
  });

  app.post('/deliveries/retry-failed', async (c) => {
    const form = await readForm(c);
    const back = dashboardHref('/deliveries');
    const since = parseUtcDatetime(form.text('since'));
    if (since === null)
      return c.redirect(withFlash(back, 'error', 'Give the date and time to retry from.'), 302);
    const subscriber = await getSubscriber(deps.db, form.text('subscriber_id'));
    if (!subscriber) return c.redirect(withFlash(back, 'error', 'Choose a subscriber.'), 302);
    const ids = await retryFailedDeliveries(deps, { subscriberId: subscriber.id, since });
    await auditDashboard(deps, c, {
      action: 'delivery.retry_failed',
      target: subscriber.id,
      details: { count: ids.length, since: since.toISOString() },
    });
    const sinceText = `${formatTime(since.toISOString())} UTC`;
    const notice =
      ids.length === 0
        ? `No failed deliveries of ${subscriber.url} since ${sinceText}.`
        : `Queued ${ids.length} failed deliveries of ${subscriber.url} (since ${sinceText}) for a new attempt.` +
          (ids.length === BULK_RETRY_LIMIT
            ? ' That is the most one retry takes: run it again for the rest.'
            : '');
    const watch = dashboardHref('/deliveries', { status: 'all', subscriber_id: subscriber.id });
    return c.redirect(withFlash(watch, 'notice', notice), 302);
  });

  app.post('/deliveries/:id/retry', async (c) => {
    const id = c.req.param('id');
    const form = await readForm(c);
    const back = safeReturnPath(form.text('back'), dashboardHref('/deliveries'));
    const result = await retryDelivery(deps, id);
    if (result.outcome === 'not_found')
      return c.redirect(withFlash(back, 'error', `There is no delivery ${id}.`), 302);
    if (result.outcome === 'in_flight') {
      return c.redirect(
        withFlash(back, 'error', `An attempt of ${id} is in flight; retry when it has finished.`),
        302,
      );
    }
    await auditDashboard(deps, c, { action: 'delivery.retry', target: id });
    return c.redirect(
      withFlash(back, 'notice', `Retry of ${id} queued: attempt ${result.attempt + 1} starts now.`),
      302,
    );
  });
}
