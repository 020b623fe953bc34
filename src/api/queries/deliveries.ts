// Read side of deliveries and their attempts.
import { and, asc, desc, eq, inArray, lt } from 'drizzle-orm';
import type { DbHandle } from '../../db/client';
import { deliveries, deliveryAttempts } from '../../db/schema';
import { type Page, type PageRequest, toPage } from './page';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface DeliveryView {
  id: string;
  event_id: string;
  subscriber_id: string;
  status: DeliveryStatus;
  attempt_count: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface AttemptView {
  number: number;
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response_body: string | null;
  trigger: 'scheduled' | 'manual';
}

export interface DeliveryWithAttempts extends DeliveryView {
  attempts: AttemptView[];
}

export interface DeliveryFilter {
  status?: DeliveryStatus | undefined;
  subscriber_id?: string | undefined;
  event_id?: string | undefined;
}

type DeliveryRow = typeof deliveries.$inferSelect;
type AttemptRow = typeof deliveryAttempts.$inferSelect;

function toDeliveryView(row: DeliveryRow): DeliveryView {
  return {
    id: row.id,
    event_id: row.eventId,
    subscriber_id: row.subscriberId,
    status: row.status as DeliveryStatus,
    attempt_count: row.attemptCount,
    next_attempt_at: row.nextAttemptAt?.toISOString() ?? null,
    last_status_code: row.lastStatusCode,
    last_error: row.lastError,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function toAttemptView(row: AttemptRow): AttemptView {
  return {
    number: row.number,
    started_at: row.startedAt.toISOString(),
    duration_ms: row.durationMs,
    status_code: row.statusCode,
    error: row.error,
    response_body: row.responseBody,
    trigger: row.trigger === 'manual' ? 'manual' : 'scheduled',
  };
}

/** Attaches attempts (by number) to each delivery, with one query for all of them. */
async function withAttempts(handle: DbHandle, rows: DeliveryRow[]): Promise<DeliveryWithAttempts[]> {
  if (rows.length === 0) return [];
  const attempts = await handle.db
    .select()
    .from(deliveryAttempts)
    .where(
      inArray(
        deliveryAttempts.deliveryId,
        rows.map((row) => row.id),
      ),
    )
    .orderBy(asc(deliveryAttempts.deliveryId), asc(deliveryAttempts.number));
  return rows.map((row) => ({
    ...toDeliveryView(row),
    attempts: attempts.filter((attempt) => attempt.deliveryId === row.id).map(toAttemptView),
  }));
}

export async function listDeliveries(
  handle: DbHandle,
  filter: DeliveryFilter,
  page: PageRequest,
): Promise<Page<DeliveryView>> {
  const rows = await handle.db
    .select()
    .from(deliveries)
    .where(
      and(
        filter.status === undefined ? undefined : eq(deliveries.status, filter.status),
        filter.subscriber_id === undefined ? undefined : eq(deliveries.subscriberId, filter.subscriber_id),
        filter.event_id === undefined ? undefined : eq(deliveries.eventId, filter.event_id),
        page.afterId === undefined ? undefined : lt(deliveries.id, page.afterId),
      ),
    )
    .orderBy(desc(deliveries.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit, (row) => row.id, toDeliveryView);
}

export async function getDelivery(handle: DbHandle, id: string): Promise<DeliveryWithAttempts | null> {
  const rows = await handle.db.select().from(deliveries).where(eq(deliveries.id, id));
  const [delivery] = await withAttempts(handle, rows);
  return delivery ?? null;
}

export async function deliveriesOfEvent(handle: DbHandle, eventId: string): Promise<DeliveryWithAttempts[]> {
  const rows = await handle.db
    .select()
    .from(deliveries)
    .where(eq(deliveries.eventId, eventId))
    .orderBy(asc(deliveries.id));
  return withAttempts(handle, rows);
}
