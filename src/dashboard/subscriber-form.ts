// The add-subscriber form: what was typed, and the service input it stands for. The rules are the
// admin API's (same validators); a broken rule is an AppError 422, as the service's own are.
import { AppError } from '../http/problem';
import type { NewSubscriber, SubscriberChanges } from '../subscribers/subscriber-service';
import {
  headerProblem,
  isAccountName,
  isEventTypeFilter,
  isWebhookUrl,
  MAX_SUBSCRIBER_HEADERS,
} from '../subscribers/validation';
import type { PostedForm } from './form';
import type { SubscriberFormValues, SubscriberOptionValues } from './pages/subscribers';

const MAX_URL_LENGTH = 2048;
const MAX_DESCRIPTION_LENGTH = 1000;

export function subscriberFormValues(form: PostedForm): SubscriberFormValues {
  return {
    url: form.text('url'),
    description: form.text('description'),
    eventTypes: form.text('event_types'),
    providers: form.list('providers'),
    accounts: form.text('accounts'),
    format: form.text('format') === 'raw' ? 'raw' : 'event',
    enabled: form.text('enabled') === 'on',
    ...optionValues(form),
  };
}

/** The delivery options fields, shared by the add form and a subscriber's options form. */
export function optionValues(form: PostedForm): SubscriberOptionValues {
  const livemode = form.text('livemode');
  return {
    livemode: livemode === 'live' || livemode === 'test' ? livemode : 'all',
    ordering: form.text('ordering') === 'transaction' ? 'transaction' : 'none',
    rateLimit: form.text('rate_limit'),
    headers: form.text('headers'),
  };
}

/** `Name: value` lines → a headers object; 422 for a line that is not one, or a refused header. */
function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/).map((entry) => entry.trim())) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new AppError(422, `"${line}" is not a header line like X-Api-Key: value.`);
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    const problem = headerProblem(name, value);
    if (problem) throw new AppError(422, `Header ${name}: ${problem}.`);
    headers[name.toLowerCase()] = value;
  }
  if (Object.keys(headers).length > MAX_SUBSCRIBER_HEADERS) {
    throw new AppError(422, `At most ${MAX_SUBSCRIBER_HEADERS} headers.`);
  }
  return headers;
}

function parseRateLimit(text: string): number | null {
  if (text === '') return null;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 10_000) {
    throw new AppError(
      422,
      'The rate limit must be a whole number of requests per second from 1 to 10000, or empty.',
    );
  }
  return value;
}

/** The options form as service changes. */
export function toOptionChanges(values: SubscriberOptionValues): SubscriberChanges {
  return {
    livemode: values.livemode,
    ordering: values.ordering,
    rate_limit: parseRateLimit(values.rateLimit),
    headers: parseHeaders(values.headers),
  };
}

/** A subscriber's headers as the form's `Name: value` lines. */
export function headerLines(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
}

export function toNewSubscriber(values: SubscriberFormValues): NewSubscriber {
  if (values.url.length > MAX_URL_LENGTH || !isWebhookUrl(values.url)) {
    throw new AppError(422, 'The URL must be an absolute http: or https: URL.');
  }
  if (values.description.length > MAX_DESCRIPTION_LENGTH) {
    throw new AppError(422, `The description can be at most ${MAX_DESCRIPTION_LENGTH} characters.`);
  }
  const eventTypes = values.eventTypes.split(/[\s,]+/).filter((type) => type !== '');
  const unknown = eventTypes.filter((type) => !isEventTypeFilter(type));
  if (unknown.length > 0) {
    throw new AppError(
      422,
      `Unknown event type ${unknown.map((type) => `"${type}"`).join(', ')}: use exact types or families such as payment.*.`,
    );
  }
  const accounts = values.accounts.split(/[\s,]+/).filter((name) => name !== '');
  const badAccounts = accounts.filter((name) => !isAccountName(name));
  if (badAccounts.length > 0) {
    throw new AppError(
      422,
      `Not an account name: ${badAccounts.map((name) => `"${name}"`).join(', ')} (letters, digits, "_" and "-").`,
    );
  }
  return {
    url: values.url,
    description: values.description === '' ? null : values.description,
    enabled: values.enabled,
    event_types: eventTypes,
    providers: values.providers,
    accounts,
    format: values.format,
    ...toOptionChanges(values),
  };
}

/** An AppError in words for a page: its detail, plus each invalid field the API would list. */
export function errorMessage(error: AppError): string {
  const errors = error.extra.errors;
  if (!Array.isArray(errors) || errors.length === 0) return error.detail;
  const details = errors.map((entry: { message?: unknown }) => String(entry.message ?? '')).filter(Boolean);
  return `${error.detail}: ${details.join('; ')}`;
}
