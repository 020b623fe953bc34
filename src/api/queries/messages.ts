// Read side of inbound messages: every provider request, accepted or not.
import { and, desc, eq, lt } from 'drizzle-orm';
import type { MessageKind } from '../../../providers/types';
import type { DbHandle } from '../../db/client';
import { inboundMessages } from '../../db/schema';
import type { MessageStatus } from '../../ingest/message-store';
import { type Page, type PageRequest, toPage } from './page';

export interface MessageView {
  id: string;
  provider: string;
  account: string;
  kind: MessageKind;
  received_at: string;
  status: MessageStatus;
  reason: string | null;
  event_id: string | null;
}

export interface MessageDetail extends MessageView {
  headers: Record<string, string>;
  remote_addr: string | null;
  content_type: string | null;
  raw_body_base64: string;
  verify_attempts: number;
  verify_error: string | null;
}

export interface MessageFilter {
  provider?: string | undefined;
  status?: MessageStatus | undefined;
  kind?: MessageKind | undefined;
}

// The list leaves the raw body in the database: it can be large.
const summaryColumns = {
  id: inboundMessages.id,
  provider: inboundMessages.provider,
  account: inboundMessages.account,
  kind: inboundMessages.kind,
  receivedAt: inboundMessages.receivedAt,
  status: inboundMessages.status,
  reason: inboundMessages.reason,
  eventId: inboundMessages.eventId,
};

type SummaryRow = Pick<
  typeof inboundMessages.$inferSelect,
  'id' | 'provider' | 'account' | 'kind' | 'receivedAt' | 'status' | 'reason' | 'eventId'
>;

function toMessageView(row: SummaryRow): MessageView {
  return {
    id: row.id,
    provider: row.provider,
    account: row.account,
    kind: row.kind as MessageKind,
    received_at: row.receivedAt.toISOString(),
    status: row.status as MessageStatus,
    reason: row.reason,
    event_id: row.eventId,
  };
}

export async function listMessages(
  handle: DbHandle,
  filter: MessageFilter,
  page: PageRequest,
): Promise<Page<MessageView>> {
  const rows = await handle.db
    .select(summaryColumns)
    .from(inboundMessages)
    .where(
      and(
        filter.provider === undefined ? undefined : eq(inboundMessages.provider, filter.provider),
        filter.status === undefined ? undefined : eq(inboundMessages.status, filter.status),
        filter.kind === undefined ? undefined : eq(inboundMessages.kind, filter.kind),
        page.afterId === undefined ? undefined : lt(inboundMessages.id, page.afterId),
      ),
    )
    .orderBy(desc(inboundMessages.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit, (row) => row.id, toMessageView);
}

export async function getMessage(handle: DbHandle, id: string): Promise<MessageDetail | null> {
  const [row] = await handle.db.select().from(inboundMessages).where(eq(inboundMessages.id, id));
  if (!row) return null;
  return {
    ...toMessageView(row),
    headers: row.headers,
    remote_addr: row.remoteAddr,
    content_type: row.contentType,
    raw_body_base64: row.rawBody.toString('base64'),
    verify_attempts: row.verifyAttempts,
    verify_error: row.verifyError,
  };
}
