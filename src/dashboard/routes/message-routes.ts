import type { Hono } from 'hono';
import { getMessage, listMessages } from '../../api/queries/messages';
import { AppError } from '../../http/problem';
import type { DashboardContext } from '../deps';
import { MessageDetailPage } from '../pages/message-detail';
import { MESSAGE_KINDS, MESSAGE_STATUSES, MessagesPage } from '../pages/messages';
import { dashboardHref } from '../paths';
import { cursorOf, oneOf, PAGE_SIZE } from '../query';
import { flashOf, render } from '../render';

export function registerMessageRoutes(app: Hono, { deps, keys }: DashboardContext): void {
  app.get('/messages', async (c) => {
    const filter = {
      provider: oneOf(c.req.query('provider'), deps.providerIds),
      status: oneOf(c.req.query('status'), MESSAGE_STATUSES),
      kind: oneOf(c.req.query('kind'), MESSAGE_KINDS),
    };
    const afterId = cursorOf(c);
    const page = await listMessages(deps.db, filter, { limit: PAGE_SIZE, afterId });
    return render(
      c,
      MessagesPage({
        csrf: keys.csrfToken,
        flash: flashOf(c),
        messages: page.data,
        filter,
        providerIds: deps.providerIds,
        nextHref: page.next_cursor
          ? dashboardHref('/messages', { ...filter, cursor: page.next_cursor })
          : null,
        isFirstPage: afterId === undefined,
      }),
    );
  });

  app.get('/messages/:id', async (c) => {
    const id = c.req.param('id');
    const message = await getMessage(deps.db, id);
    if (!message) throw new AppError(404, `There is no message ${id}.`);
    return render(c, MessageDetailPage({ csrf: keys.csrfToken, flash: flashOf(c), message }));
  });
}
