// The add-subscriber form: what was typed, and the service input it stands for. The rules are the
// admin API's (same validators); a broken rule is an AppError 422, as the service's own are.
import { AppError } from '../http/problem';
import type { NewSubscriber } from '../subscribers/subscriber-service';
import { isAccountName, isEventTypeFilter, isWebhookUrl } from '../subscribers/validation';
import type { PostedForm } from './form';
import type { SubscriberFormValues } from './pages/subscribers';

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
  };
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
  };
}

/** An AppError in words for a page: its detail, plus each invalid field the API would list. */
export function errorMessage(error: AppError): string {
  const errors = error.extra.errors;
  if (!Array.isArray(errors) || errors.length === 0) return error.detail;
  const details = errors.map((entry: { message?: unknown }) => String(entry.message ?? '')).filter(Boolean);
  return `${error.detail}: ${details.join('; ')}`;
}
