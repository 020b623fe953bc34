import type { Context, Hono } from 'hono';
import { listSubscribers } from '../../api/queries/subscribers';
import { MAX_ENABLED_SUBSCRIBERS } from '../../subscribers/subscriber-service';
import type { DashboardContext, DashboardDeps } from '../deps';
import { overviewStats, totalsOf } from '../overview-stats';
import { OverviewPage, type QueueDepths } from '../pages/overview';
import { flashOf, render } from '../render';

const QUEUE_COUNTS_TIMEOUT_MS = 2000;

/** Queue depths, or null when Redis does not answer in time. */
async function queueDepths(deps: DashboardDeps): Promise<QueueDepths | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), QUEUE_COUNTS_TIMEOUT_MS);
  });
  try {
    return await Promise.race([deps.queueCounts(), timeout]);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** Where providers reach this gateway, as seen by the operator's browser. */
function publicOrigin(c: Context): string {
  const url = new URL(c.req.url);
  const protocol = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() || url.protocol.replace(':', '');
  return `${protocol}://${url.host}`;
}

export function registerOverviewRoutes(app: Hono, { deps, keys, refreshSeconds }: DashboardContext): void {
  app.get('/', async (c) => {
    const [stats, queues, subscribers] = await Promise.all([
      overviewStats(deps.db, deps.providerIds),
      queueDepths(deps),
      listSubscribers(deps.db, { limit: 200 }),
    ]);
    const origin = publicOrigin(c);
    return render(
      c,
      OverviewPage({
        csrf: keys.csrfToken,
        flash: flashOf(c),
        stats,
        totals: totalsOf(stats),
        queues,
        endpoints: deps.endpoints.map((endpoint) => ({ ...endpoint, url: `${origin}${endpoint.path}` })),
        subscribers: {
          enabled: subscribers.data.filter((subscriber) => subscriber.enabled).length,
          total: subscribers.data.length,
          max: MAX_ENABLED_SUBSCRIBERS,
        },
        refreshSeconds,
        warnings: deps.warnings,
      }),
    );
  });
}
