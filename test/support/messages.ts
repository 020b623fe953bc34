import { sql } from 'drizzle-orm';
import type { DbHandle } from '../../src/db/client';

export interface StoredMessage extends Record<string, unknown> {
  id: string;
  provider: string;
  kind: string;
  status: string;
  reason: string | null;
  event_id: string | null;
  raw_body: Buffer;
  remote_addr: string | null;
  headers: Record<string, string>;
}

export async function storedMessages(db: DbHandle): Promise<StoredMessage[]> {
  return db.rows<StoredMessage>(sql`
    select id, provider, kind, status, reason, event_id, raw_body, remote_addr, headers
    from inbound_messages order by id`);
}

export interface StoredEvent extends Record<string, unknown> {
  id: string;
  type: string;
  provider: string;
  body: string;
}

export async function storedEvents(db: DbHandle): Promise<StoredEvent[]> {
  return db.rows<StoredEvent>(sql`select id, type, provider, body from events order by id`);
}
