// Erasure by email (docs/contract.md section 10): every stored message and event whose customer
// has the address keeps its ids, types, amounts and states; its raw bytes, `raw` fields and
// `data.customer` go.
// Matched: events whose JSON holds the address, messages whose raw body holds it (also rejected
// messages, and those whose event retention already removed), and the events and messages that
// belong to either. Deliveries already made cannot be recalled.
import type { DbHandle } from '../db/client';
import { emailLikePatterns, emailRegExp } from './email-patterns';

export interface ErasureResult {
  messages: number;
  events: number;
}

const ERASED_CUSTOMER = { email: null, first_name: null, last_name: null, country: null };

interface EventRow extends Record<string, unknown> {
  id: string;
  body: string;
  message_id: string;
}

interface MessageRow extends Record<string, unknown> {
  id: string;
  event_id: string | null;
  reason: string | null;
  verify_error: string | null;
}

const EVENTS_BY_BODY = `select id, body, message_id from events where lower(body) like any($1::text[])`;

// encode(..., 'escape') reads any bytes as text; lower() makes %40 and %40-style escapes match.
const MESSAGES_BY_RAW_OR_EVENT = `
  select id, event_id, reason, verify_error from inbound_messages
  where lower(encode(raw_body, 'escape')) like any($1::text[]) or event_id = any($2::text[])`;

const EVENTS_BY_ID_OR_MESSAGE = `
  select id, body, message_id from events where id = any($1::text[]) or message_id = any($2::text[])`;

const ERASE_EVENT = `update events set body = $2, erased_at = now() where id = $1`;

const ERASE_MESSAGE = `
  update inbound_messages
  set raw_body = ''::bytea, headers = '{}'::jsonb, remote_addr = null, reason = $2, verify_error = $3,
      erased_at = now(), updated_at = now()
  where id = $1`;

// A subscriber may have echoed the body back; those excerpts and errors go as well.
const SCRUB_DELIVERY_TRACES = `
  with erased_deliveries as (select id from deliveries where event_id = any($1::text[])),
  attempts as (
    update delivery_attempts set response_body = null
    where delivery_id in (select id from erased_deliveries)
      and (lower(response_body) like any($2::text[]) or lower(response_body) like $3)
    returning 1)
  update deliveries set last_error = null
  where id in (select id from erased_deliveries) and lower(last_error) like $3`;

const SCRUB_PAYMENTS = `update payments set customer_email = null where lower(customer_email) = $1`;

/** The event JSON without customer or raw data; everything else (ids, type, amounts) kept. */
export function erasedEventBody(body: string): string {
  const event = JSON.parse(body) as { data?: { customer?: unknown }; raw?: unknown };
  if (event.data && typeof event.data === 'object') event.data.customer = { ...ERASED_CUSTOMER };
  if ('raw' in event) event.raw = {};
  return JSON.stringify(event);
}

function scrub(text: string | null, pattern: RegExp): string | null {
  return text === null ? null : text.replace(pattern, '[erased]');
}

export async function eraseByEmail(handle: DbHandle, email: string): Promise<ErasureResult> {
  const patterns = emailLikePatterns(email);
  const freeText = emailRegExp(email);
  const anywhere = `%${email
    .trim()
    .toLowerCase()
    .replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

  const events = new Map<string, EventRow>();
  for (const row of await handle.query<EventRow>(EVENTS_BY_BODY, [patterns])) events.set(row.id, row);

  const messages = await handle.query<MessageRow>(MESSAGES_BY_RAW_OR_EVENT, [patterns, [...events.keys()]]);
  const messageIds = messages.map((message) => message.id);
  const eventIdsOfMessages = messages.flatMap((message) => (message.event_id ? [message.event_id] : []));
  for (const row of await handle.query<EventRow>(EVENTS_BY_ID_OR_MESSAGE, [eventIdsOfMessages, messageIds]))
    events.set(row.id, row);

  for (const event of events.values()) {
    await handle.query(ERASE_EVENT, [event.id, erasedEventBody(event.body)]);
  }
  for (const message of messages) {
    await handle.query(ERASE_MESSAGE, [
      message.id,
      scrub(message.reason, freeText),
      scrub(message.verify_error, freeText),
    ]);
  }
  if (events.size > 0) await handle.query(SCRUB_DELIVERY_TRACES, [[...events.keys()], patterns, anywhere]);
  // Payments (docs/contract.md section 8) keep their state and amounts; only the address goes.
  await handle.query(SCRUB_PAYMENTS, [email.trim().toLowerCase()]);
  return { messages: messages.length, events: events.size };
}
