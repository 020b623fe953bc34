// The public shape of a subscriber. The secret is never part of it: it is shown at creation,
// on rotation and through its own endpoint only.
import type { subscribers } from '../db/schema';

export type SubscriberFormat = 'event' | 'raw';

export interface SubscriberView {
  id: string;
  url: string;
  description: string | null;
  enabled: boolean;
  event_types: string[];
  providers: string[];
  /** Only events of these provider accounts; empty means all. */
  accounts: string[];
  format: SubscriberFormat;
  created_at: string;
  updated_at: string;
}

export type SubscriberRow = typeof subscribers.$inferSelect;

export function toSubscriberView(row: SubscriberRow): SubscriberView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    enabled: row.enabled,
    event_types: row.eventTypes,
    providers: row.providers,
    accounts: row.accounts,
    format: row.format === 'raw' ? 'raw' : 'event',
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
