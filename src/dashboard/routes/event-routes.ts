import type { Hono } from 'hono';
import { EVENT_TYPES } from '../../../providers/types';
import { getEvent, listEvents, type PaymentEvent } from '../../api/queries/events';
import { listSubscribers } from '../../api/queries/subscribers';
import { AppError } from '../../http/problem';
import type { DashboardContext, DashboardDeps } from '../deps';
import { EventDetailPage } from '../pages/event-detail';
import { type EventFilterValues, EventsPage } from '../pages/events';
import { dashboardHref } from '../paths';
import { cursorOf, oneOf, PAGE_SIZE, textQuery } from '../query';
import { flashOf, render } from '../render';

/** Events whose transaction id or order id is `q` (exact), newest first. */
async function searchEvents(
  deps: DashboardDeps,
  filter: EventFilterValues,
  q: string,
): Promise<PaymentEvent[]> {
  const base = { provider: filter.provider, type: filter.type };
  const [byTransaction, byOrder] = await Promise.all([
    listEvents(deps.db, { ...base, transaction_id: q }, { limit: PAGE_SIZE }),
    listEvents(deps.db, { ...base, order_id: q }, { limit: PAGE_SIZE }),
  ]);
  const unique = new Map([...byTransaction.data, ...byOrder.data].map((event) => [event.id, event]));
  return [...unique.values()].sort((a, b) => (a.id < b.id ? 1 : -1));
}

export async function subscriberUrls(deps: DashboardDeps): Promise<Map<string, string>> {
  const { data } = await listSubscribers(deps.db, { limit: 200 });
  return new Map(data.map((subscriber) => [subscriber.id, subscriber.url]));
}

export function registerEventRoutes(app: Hono, { deps, keys, refreshSeconds }: DashboardContext): void {
  app.get('/events', async (c) => {
    const filter: EventFilterValues = {
      provider: oneOf(c.req.query('provider'), deps.providerIds),
      type: oneOf(c.req.query('type'), EVENT_TYPES),
      q: textQuery(c, 'q'),
    };
    const afterId = cursorOf(c);
    let events: PaymentEvent[];
    let nextHref: string | null = null;
    if (filter.q) {
      events = await searchEvents(deps, filter, filter.q);
    } else {
      const page = await listEvents(deps.db, filter, { limit: PAGE_SIZE, afterId });
      events = page.data;
      if (page.next_cursor) nextHref = dashboardHref('/events', { ...filter, cursor: page.next_cursor });
    }
    return render(
      c,
      EventsPage({
        csrf: keys.csrfToken,
        flash: flashOf(c),
        events,
        filter,
        providerIds: deps.providerIds,
        nextHref,
        isFirstPage: afterId === undefined,
      }),
    );
  });

  app.get('/events/:id', async (c) => {
    const id = c.req.param('id');
    const [event, urls] = await Promise.all([getEvent(deps.db, id), subscriberUrls(deps)]);
    if (!event) throw new AppError(404, `There is no event ${id}.`);
    const pending = event.deliveries.some((delivery) => delivery.status === 'pending');
    return render(
      c,
      EventDetailPage({
        csrf: keys.csrfToken,
        flash: flashOf(c),
        event,
        subscriberUrls: urls,
        refreshSeconds: pending ? refreshSeconds : undefined,
      }),
    );
  });
}
