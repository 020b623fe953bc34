// Preclaimed first attempts. When the process that stores an event also runs its subscribers'
// lanes (ROLE=all), the ingest statement inserts those deliveries already claimed: with a lease
// and a claim token, exactly as a claim would leave them. The lane then attempts them at once,
// without a claim statement or a second read of the event, and records them as usual.
//
// A delivery is preclaimed only for a subscriber whose row is, in the statement's snapshot, the
// version (xmin) the lane holds: what the attempt is signed with and sent to is then what a
// claim at that moment would have read. Ordered and rate-limited subscribers are never
// preclaimed (they need the claim's hold check and BullMQ's limiter).
import type { DbHandle } from '../db/client';
import type { ClaimedDelivery } from './delivery-store';

/** A subscriber's row as a claim reads it, with the row version it was read at. */
export interface LeaseSubscriber {
  id: string;
  version: string;
  url: string;
  format: 'event' | 'raw';
  headers: Record<string, string>;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
}

/** What one ingest statement may preclaim: subscribers at their versions, and the lease. */
export interface Preclaim {
  subscribers: ReadonlyMap<string, LeaseSubscriber>;
  leaseMs: number;
}

export const preclaimKeys = (preclaim: Preclaim | null): string[] =>
  preclaim ? [...preclaim.subscribers.values()].map((s) => `${s.id}:${s.version}`) : [];

/** The event (and its message) a preclaimed delivery carries. */
export interface PreclaimedEvent {
  id: string;
  type: string;
  receivedAt: Date;
  body: string;
  paymentKey: string | null;
  rawBody: Buffer;
  rawContentType: string | null;
}

export function preclaimedDelivery(
  delivery: { id: string; claimToken: string },
  subscriber: LeaseSubscriber,
  event: PreclaimedEvent,
): ClaimedDelivery {
  const raw = subscriber.format === 'raw';
  return {
    id: delivery.id,
    claimToken: delivery.claimToken,
    attemptCount: 0,
    eventId: event.id,
    eventType: event.type,
    eventReceivedAt: event.receivedAt,
    eventBody: event.body,
    paymentKey: event.paymentKey,
    subscriberId: subscriber.id,
    url: subscriber.url,
    format: subscriber.format,
    ordered: false,
    headers: subscriber.headers,
    subscriberActive: true,
    secret: subscriber.secret,
    previousSecret: subscriber.previousSecret,
    previousSecretExpiresAt: subscriber.previousSecretExpiresAt,
    rawBody: raw ? event.rawBody : null,
    rawContentType: raw ? event.rawContentType : null,
  };
}

/**
 * Gives back claims that will not be attempted here (their lane went away before they started),
 * so the jobs enqueued for them can claim them at once.
 */
export async function releaseClaims(
  db: DbHandle,
  claims: ReadonlyArray<{ id: string; claimToken: string }>,
): Promise<void> {
  if (claims.length === 0) return;
  await db.query(
    `update deliveries d set lease_until = null, claim_token = null, updated_at = now()
     from unnest($1::text[], $2::text[]) as released(id, claim_token)
     where d.id = released.id and d.claim_token = released.claim_token`,
    [claims.map((claim) => claim.id), claims.map((claim) => claim.claimToken)],
  );
}
