// Read side of events: the stored section-3 JSON, as subscribers received it.
import { and, desc, eq, lt } from 'drizzle-orm';
import type { EventData, EventType, RawData } from '../../../providers/types';
import type { DbHandle } from '../../db/client';
import { events } from '../../db/schema';
import { type DeliveryWithAttempts, deliveriesOfEvent } from './deliveries';
import { type Page, type PageRequest, toPage } from './page';

export interface PaymentEvent {
  id: string;
  type: EventType;
  provider: string;
  account: string;
  channel: string;
  livemode: boolean;
  superseded: boolean;
  occurred_at: string;
  received_at: string;
  data: EventData;
  raw: RawData;
}

export interface EventWithDeliveries extends PaymentEvent {
  deliveries: DeliveryWithAttempts[];
}

export interface EventFilter {
  provider?: string | undefined;
  type?: string | undefined;
  transaction_id?: string | undefined;
  order_id?: string | undefined;
}

// The stored body is what subscribers get (superseded: false); the column says what became of it.
const parseBody = (body: string, superseded: boolean): PaymentEvent => ({
  ...(JSON.parse(body) as PaymentEvent),
  superseded,
});

export async function listEvents(
  handle: DbHandle,
  filter: EventFilter,
  page: PageRequest,
): Promise<Page<PaymentEvent>> {
  const rows = await handle.db
    .select({ id: events.id, body: events.body, superseded: events.superseded })
    .from(events)
    .where(
      and(
        filter.provider === undefined ? undefined : eq(events.provider, filter.provider),
        filter.type === undefined ? undefined : eq(events.type, filter.type),
        filter.transaction_id === undefined ? undefined : eq(events.transactionId, filter.transaction_id),
        filter.order_id === undefined ? undefined : eq(events.orderId, filter.order_id),
        page.afterId === undefined ? undefined : lt(events.id, page.afterId),
      ),
    )
    .orderBy(desc(events.id))
    .limit(page.limit + 1);
  return toPage(
    rows,
    page.limit,
    (row) => row.id,
    (row) => parseBody(row.body, row.superseded),
  );
}

export async function getEvent(handle: DbHandle, id: string): Promise<EventWithDeliveries | null> {
  const [row] = await handle.db
    .select({ body: events.body, superseded: events.superseded })
    .from(events)
    .where(eq(events.id, id));
  if (!row) return null;
  return { ...parseBody(row.body, row.superseded), deliveries: await deliveriesOfEvent(handle, id) };
}
