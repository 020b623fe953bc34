// A webhook body: JSON with PayPal's envelope. Only parsed for the event; verification uses the
// raw bytes.

export type JsonObject = Record<string, unknown>;

export interface WebhookEnvelope {
  id: string;
  eventType: string;
  createTime: string | null;
  resource: JsonObject;
  /** The whole parsed body, for the event's `raw`. */
  body: JsonObject;
}

export type WebhookParseResult = { ok: true; webhook: WebhookEnvelope } | { ok: false; reason: string };

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function parseWebhook(rawBody: Buffer): WebhookParseResult {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  if (!isObject(body)) return { ok: false, reason: 'body is not a JSON object' };
  if (typeof body.id !== 'string' || body.id.trim() === '') return { ok: false, reason: 'no webhook "id"' };
  if (typeof body.event_type !== 'string' || body.event_type.trim() === '') {
    return { ok: false, reason: 'no "event_type"' };
  }
  return {
    ok: true,
    webhook: {
      id: body.id,
      eventType: body.event_type,
      createTime: typeof body.create_time === 'string' ? body.create_time : null,
      resource: isObject(body.resource) ? body.resource : {},
      body,
    },
  };
}

/** A nested value as text: strings as sent, numbers as written; anything else is null. */
export function textAt(value: unknown, ...path: Array<string | number>): string | null {
  let current: unknown = value;
  for (const step of path) {
    if (typeof step === 'number') current = Array.isArray(current) ? current[step] : undefined;
    else current = isObject(current) ? current[step] : undefined;
  }
  if (typeof current === 'string') return current.trim() === '' ? null : current;
  if (typeof current === 'number' && Number.isFinite(current)) return String(current);
  return null;
}
