// "Send test event": a signed `gateway.ping` straight to the subscriber, answered with the outcome.
// It is not an event of the gateway and is not recorded as a delivery.
import { and, eq, isNull } from 'drizzle-orm';
import type { DbHandle } from '../db/client';
import { subscribers } from '../db/schema';
import { failureText, USER_AGENT } from '../delivery/delivery-worker';
import type { HttpSender } from '../delivery/http-sender';
import { webhookHeaders } from '../delivery/signer';
import { formatTimestamp } from '../events/event-body';
import { newId } from '../ids';
import { type SecretBox, SecretDecryptError } from '../secrets/secret-box';

export interface PingResult {
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_body: string | null;
}

export function pingBody(id: string, now: Date): string {
  const at = formatTimestamp(now);
  return JSON.stringify({
    id,
    type: 'gateway.ping',
    provider: 'gateway',
    livemode: false,
    occurred_at: at,
    received_at: at,
    data: {},
  });
}

/** Null when there is no such subscriber. */
export async function pingSubscriber(
  handle: DbHandle,
  sender: HttpSender,
  box: SecretBox,
  subscriberId: string,
  timeoutMs: number,
): Promise<PingResult | null> {
  const [row] = await handle.db
    .select()
    .from(subscribers)
    .where(and(eq(subscribers.id, subscriberId), isNull(subscribers.deletedAt)));
  if (!row) return null;
  const now = new Date();
  const id = newId('evt');
  const body = pingBody(id, now);
  let secrets: { current: string; previous: string | null; previousExpiresAt: Date | null };
  try {
    secrets = {
      current: box.open(row.secret),
      previous: row.previousSecret === null ? null : box.open(row.previousSecret),
      previousExpiresAt: row.previousSecretExpiresAt,
    };
  } catch (error) {
    // Sealed under a key this process lacks: say so instead of failing the request.
    if (!(error instanceof SecretDecryptError)) throw error;
    return { status_code: null, duration_ms: 0, error: error.message, response_body: null };
  }
  const result = await sender.send({
    url: row.url,
    body,
    headers: {
      ...row.headers,
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      ...webhookHeaders(secrets, id, body, now),
    },
    timeoutMs,
  });
  const failure = failureText(result);
  return {
    status_code: result.ok ? result.statusCode : null,
    duration_ms: result.durationMs,
    error: result.ok ? (failure === null ? null : failure) : result.error,
    response_body: result.ok ? result.responseExcerpt : null,
  };
}
