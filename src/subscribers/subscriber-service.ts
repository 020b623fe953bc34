// Changes to subscribers. The "at most four enabled" rule is checked and applied inside one
// transaction holding an advisory lock, so concurrent requests cannot both take the last place.
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Database, DbHandle } from '../db/client';
import { subscribers } from '../db/schema';
import { parkSubscriberDeliveries } from '../delivery/delivery-store';
import { AppError } from '../http/problem';
import { newId } from '../ids';
import type { SecretBox } from '../secrets/secret-box';
import { generateSecret, PREVIOUS_SECRET_GRACE_HOURS } from './secrets';
import {
  type SubscriberFormat,
  type SubscriberLivemode,
  type SubscriberOrdering,
  type SubscriberView,
  toSubscriberView,
} from './subscriber-view';
import { normalizeHeaders, unknownProviders } from './validation';

export const MAX_ENABLED_SUBSCRIBERS = 4;

// Arbitrary constant naming the lock; distinct from the migration lock.
const ENABLED_LIMIT_LOCK_ID = 727_274_612;

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

export interface NewSubscriber {
  url: string;
  description?: string | null | undefined;
  enabled: boolean;
  event_types: string[];
  providers: string[];
  accounts?: string[] | undefined;
  format: SubscriberFormat;
  livemode?: SubscriberLivemode | undefined;
  headers?: Record<string, string> | undefined;
  rate_limit?: number | null | undefined;
  ordering?: SubscriberOrdering | undefined;
}

export interface SubscriberChanges {
  url?: string | undefined;
  description?: string | null | undefined;
  enabled?: boolean | undefined;
  event_types?: string[] | undefined;
  providers?: string[] | undefined;
  accounts?: string[] | undefined;
  format?: SubscriberFormat | undefined;
  livemode?: SubscriberLivemode | undefined;
  headers?: Record<string, string> | undefined;
  rate_limit?: number | null | undefined;
  ordering?: SubscriberOrdering | undefined;
}

export interface CreatedSubscriber extends SubscriberView {
  secret: string;
}

export interface RotatedSecret {
  secret: string;
  previous_secret_expires_at: string;
}

const notFound = (id: string) => new AppError(404, `no subscriber ${id}`);

function assertKnownProviders(providers: string[] | undefined, knownIds: readonly string[]): void {
  const unknown = unknownProviders(providers ?? [], knownIds);
  if (unknown.length === 0) return;
  throw new AppError(422, 'invalid request body', {
    errors: unknown.map(([index, provider]) => ({
      path: `providers.${index}`,
      message: `unknown provider "${provider}"; known: ${knownIds.join(', ')}`,
    })),
  });
}

const unique = (values: string[]) => [...new Set(values)];

async function lockEnabledLimit(tx: Transaction): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${ENABLED_LIMIT_LOCK_ID})`);
}

async function assertRoomForOneMoreEnabled(tx: Transaction, exceptId: string | null): Promise<void> {
  const enabled = await tx.$count(
    subscribers,
    and(
      eq(subscribers.enabled, true),
      isNull(subscribers.deletedAt),
      exceptId === null ? undefined : ne(subscribers.id, exceptId),
    ),
  );
  if (enabled >= MAX_ENABLED_SUBSCRIBERS) {
    throw new AppError(
      409,
      `at most ${MAX_ENABLED_SUBSCRIBERS} subscribers can be enabled at once; disable or delete one first`,
    );
  }
}

export async function createSubscriber(
  handle: DbHandle,
  box: SecretBox,
  input: NewSubscriber,
  knownProviderIds: readonly string[],
): Promise<CreatedSubscriber> {
  const secret = generateSecret();
  assertKnownProviders(input.providers, knownProviderIds);
  return handle.db.transaction(async (tx) => {
    await lockEnabledLimit(tx);
    if (input.enabled) await assertRoomForOneMoreEnabled(tx, null);
    const [row] = await tx
      .insert(subscribers)
      .values({
        id: newId('sub'),
        url: input.url,
        description: input.description ?? null,
        enabled: input.enabled,
        eventTypes: unique(input.event_types),
        providers: unique(input.providers),
        accounts: unique(input.accounts ?? []),
        format: input.format,
        livemode: input.livemode ?? 'all',
        headers: normalizeHeaders(input.headers ?? {}),
        rateLimit: input.rate_limit ?? null,
        ordering: input.ordering ?? 'none',
        disabledReason: input.enabled ? null : 'manual',
        secret: box.seal(secret),
      })
      .returning();
    if (!row) throw new Error('insert returned no row');
    return { ...toSubscriberView(row), secret };
  });
}

export async function updateSubscriber(
  handle: DbHandle,
  id: string,
  changes: SubscriberChanges,
  knownProviderIds: readonly string[],
): Promise<SubscriberView> {
  assertKnownProviders(changes.providers, knownProviderIds);
  const { view, disabledNow } = await handle.db.transaction(async (tx) => {
    await lockEnabledLimit(tx);
    const [current] = await tx
      .select({ enabled: subscribers.enabled })
      .from(subscribers)
      .where(and(eq(subscribers.id, id), isNull(subscribers.deletedAt)));
    if (!current) throw notFound(id);
    if (changes.enabled === true && !current.enabled) await assertRoomForOneMoreEnabled(tx, id);
    const enabling = changes.enabled === true && !current.enabled;
    const disabling = changes.enabled === false && current.enabled;
    // Re-enabling starts its health afresh; `subscriber.recovered` follows its first success.
    const health = enabling
      ? { disabledReason: null, failingSince: null, failingAttempts: 0 }
      : disabling
        ? { disabledReason: 'manual' }
        : {};
    const [row] = await tx
      .update(subscribers)
      .set({
        url: changes.url,
        description: changes.description,
        enabled: changes.enabled,
        eventTypes: changes.event_types && unique(changes.event_types),
        providers: changes.providers && unique(changes.providers),
        accounts: changes.accounts && unique(changes.accounts),
        format: changes.format,
        livemode: changes.livemode,
        headers: changes.headers && normalizeHeaders(changes.headers),
        rateLimit: changes.rate_limit,
        ordering: changes.ordering,
        ...health,
        updatedAt: sql`now()`,
      })
      .where(eq(subscribers.id, id))
      .returning();
    if (!row) throw notFound(id);
    return { view: toSubscriberView(row), disabledNow: disabling };
  });
  // Its lane stops: what it had pending is parked (recover or retry brings it back).
  if (disabledNow) await parkSubscriberDeliveries(handle, id);
  return view;
}

/** Soft delete: the row stays so its deliveries keep their subscriber. */
export async function deleteSubscriber(handle: DbHandle, id: string): Promise<void> {
  const deleted = await handle.db
    .update(subscribers)
    .set({ deletedAt: sql`now()`, enabled: false, updatedAt: sql`now()` })
    .where(and(eq(subscribers.id, id), isNull(subscribers.deletedAt)))
    .returning({ id: subscribers.id });
  if (deleted.length === 0) throw notFound(id);
  await parkSubscriberDeliveries(handle, id);
}

/** New secret now; the old one stays valid for signing during the grace period. */
export async function rotateSubscriberSecret(
  handle: DbHandle,
  box: SecretBox,
  id: string,
): Promise<RotatedSecret> {
  const secret = generateSecret();
  const [row] = await handle.db
    .update(subscribers)
    .set({
      previousSecret: sql`${subscribers.secret}`,
      previousSecretExpiresAt: sql`now() + make_interval(hours => ${PREVIOUS_SECRET_GRACE_HOURS})`,
      secret: box.seal(secret),
      updatedAt: sql`now()`,
    })
    .where(and(eq(subscribers.id, id), isNull(subscribers.deletedAt)))
    .returning({ expiresAt: subscribers.previousSecretExpiresAt });
  if (!row?.expiresAt) throw notFound(id);
  return { secret, previous_secret_expires_at: row.expiresAt.toISOString() };
}
