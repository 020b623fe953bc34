// Read side of subscribers; deleted ones are gone from here.
import { and, desc, eq, isNull, lt } from 'drizzle-orm';
import type { DbHandle } from '../../db/client';
import { subscribers } from '../../db/schema';
import type { SecretBox } from '../../secrets/secret-box';
import { type SubscriberView, toSubscriberView } from '../../subscribers/subscriber-view';
import { type Page, type PageRequest, toPage } from './page';

export interface SubscriberSecrets {
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
}

const live = (id: string) => and(eq(subscribers.id, id), isNull(subscribers.deletedAt));

export async function listSubscribers(handle: DbHandle, page: PageRequest): Promise<Page<SubscriberView>> {
  const rows = await handle.db
    .select()
    .from(subscribers)
    .where(
      and(
        isNull(subscribers.deletedAt),
        page.afterId === undefined ? undefined : lt(subscribers.id, page.afterId),
      ),
    )
    .orderBy(desc(subscribers.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit, (row) => row.id, toSubscriberView);
}

export async function getSubscriber(handle: DbHandle, id: string): Promise<SubscriberView | null> {
  const [row] = await handle.db.select().from(subscribers).where(live(id));
  return row ? toSubscriberView(row) : null;
}

/** An expired previous secret no longer signs anything, so it is not shown. */
export async function getSubscriberSecrets(
  handle: DbHandle,
  box: SecretBox,
  id: string,
): Promise<SubscriberSecrets | null> {
  const [row] = await handle.db
    .select({
      secret: subscribers.secret,
      previousSecret: subscribers.previousSecret,
      previousSecretExpiresAt: subscribers.previousSecretExpiresAt,
    })
    .from(subscribers)
    .where(live(id));
  if (!row) return null;
  const previousValid =
    row.previousSecret !== null &&
    row.previousSecretExpiresAt !== null &&
    row.previousSecretExpiresAt.getTime() > Date.now();
  return {
    secret: box.open(row.secret),
    previous_secret: previousValid && row.previousSecret !== null ? box.open(row.previousSecret) : null,
    previous_secret_expires_at: previousValid ? (row.previousSecretExpiresAt?.toISOString() ?? null) : null,
  };
}
