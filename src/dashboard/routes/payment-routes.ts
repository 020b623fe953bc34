import type { Hono } from 'hono';
import { EVENT_TYPES } from '../../../providers/types';
import { findPayment, listPayments, type PaymentFilter, type PaymentView } from '../../api/queries/payments';
import { AppError } from '../../http/problem';
import type { DashboardContext, DashboardDeps } from '../deps';
import { PaymentDetailPage } from '../pages/payment-detail';
import { type PaymentFilterValues, PaymentsPage, paymentHref } from '../pages/payments';
import { dashboardHref } from '../paths';
import { cursorOf, oneOf, PAGE_SIZE, textQuery } from '../query';
import { flashOf, render } from '../render';

/** Payments whose transaction id, order id or customer email (with an @) is `q`, newest first. */
async function searchPayments(deps: DashboardDeps, base: PaymentFilter, q: string): Promise<PaymentView[]> {
  const searches: PaymentFilter[] = q.includes('@')
    ? [{ ...base, email: q }]
    : [
        { ...base, transaction_id: q },
        { ...base, order_id: q },
      ];
  const pages = await Promise.all(
    searches.map((filter) => listPayments(deps.db, filter, { limit: PAGE_SIZE })),
  );
  const unique = new Map(
    pages.flatMap((page) => page.data).map((payment) => [paymentHref(payment), payment] as const),
  );
  return [...unique.values()].sort((a, b) => (a.first_seen_at < b.first_seen_at ? 1 : -1));
}

export function registerPaymentRoutes(app: Hono, { deps, keys, refreshSeconds }: DashboardContext): void {
  app.get('/payments', async (c) => {
    const filter: PaymentFilterValues = {
      provider: oneOf(c.req.query('provider'), deps.providerIds),
      state: oneOf(c.req.query('state'), EVENT_TYPES),
      q: textQuery(c, 'q'),
    };
    const base = { provider: filter.provider, state: oneOf(filter.state, EVENT_TYPES) };
    const afterId = cursorOf(c);
    let payments: PaymentView[];
    let nextHref: string | null = null;
    if (filter.q) {
      payments = await searchPayments(deps, base, filter.q);
    } else {
      const page = await listPayments(deps.db, base, { limit: PAGE_SIZE, afterId });
      payments = page.data;
      if (page.next_cursor) nextHref = dashboardHref('/payments', { ...filter, cursor: page.next_cursor });
    }
    return render(
      c,
      PaymentsPage({
        csrf: keys.csrfToken,
        flash: flashOf(c),
        payments,
        filter,
        providerIds: deps.providerIds,
        nextHref,
        isFirstPage: afterId === undefined,
      }),
    );
  });

  app.get('/payments/:provider/:transaction_id', async (c) => {
    const provider = c.req.param('provider');
    const transactionId = c.req.param('transaction_id');
    const lookup = await findPayment(deps.db, provider, transactionId, textQuery(c, 'account'));
    if (lookup.found === 'none') throw new AppError(404, `There is no ${provider} payment ${transactionId}.`);
    if (lookup.found === 'several') {
      // Several accounts know this transaction: let the operator pick one.
      return c.redirect(dashboardHref('/payments', { provider, q: transactionId }), 303);
    }
    const pending = lookup.payment.events.some((event) => event.deliveries.pending > 0);
    return render(
      c,
      PaymentDetailPage({
        csrf: keys.csrfToken,
        flash: flashOf(c),
        payment: lookup.payment,
        refreshSeconds: pending ? refreshSeconds : undefined,
      }),
    );
  });
}
