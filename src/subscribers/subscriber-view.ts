// The public shape of a subscriber. The secret is never part of it: it is shown at creation,
// on rotation and through its own endpoint only.
import type { subscribers } from '../db/schema';
import { FAILING_AFTER_ATTEMPTS } from './health-rules';

export type SubscriberFormat = 'event' | 'raw';
export type SubscriberLivemode = 'all' | 'live' | 'test';
export type SubscriberOrdering = 'none' | 'transaction';
export type SubscriberState = 'active' | 'failing' | 'disabled';
export type DisabledReason = 'manual' | 'failing';

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
  livemode: SubscriberLivemode;
  headers: Record<string, string>;
  rate_limit: number | null;
  ordering: SubscriberOrdering;
  state: SubscriberState;
  disabled_reason: DisabledReason | null;
  /** Start of the current run of failed attempts, while failing. */
  failing_since: string | null;
  created_at: string;
  updated_at: string;
}

export type SubscriberRow = typeof subscribers.$inferSelect;

export function subscriberState(row: Pick<SubscriberRow, 'enabled' | 'failingAttempts'>): SubscriberState {
  if (!row.enabled) return 'disabled';
  return row.failingAttempts >= FAILING_AFTER_ATTEMPTS ? 'failing' : 'active';
}

export function toSubscriberView(row: SubscriberRow): SubscriberView {
  const state = subscriberState(row);
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    enabled: row.enabled,
    event_types: row.eventTypes,
    providers: row.providers,
    accounts: row.accounts,
    format: row.format === 'raw' ? 'raw' : 'event',
    livemode: row.livemode === 'live' || row.livemode === 'test' ? row.livemode : 'all',
    headers: row.headers ?? {},
    rate_limit: row.rateLimit,
    ordering: row.ordering === 'transaction' ? 'transaction' : 'none',
    state,
    disabled_reason: state === 'disabled' ? (row.disabledReason === 'failing' ? 'failing' : 'manual') : null,
    failing_since: state === 'failing' ? (row.failingSince?.toISOString() ?? null) : null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
