// POSTs a form body to the gateway the way a provider does, and reads the whole answer.
import { CliError, describeError } from '../cli-error';

export interface PostAnswer {
  status: number;
  body: string;
}

export function postForm(url: string, body: Buffer, userAgent: string): Promise<PostAnswer> {
  return postBody(url, body, {
    'content-type': 'application/x-www-form-urlencoded',
    'user-agent': userAgent,
  });
}

/** Any body with the provider's own headers (JSON webhooks carry their signature in headers). */
export async function postBody(
  url: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<PostAnswer> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', body, headers, redirect: 'manual' });
  } catch (error) {
    throw new CliError(`cannot reach ${url}: ${describeError(error)}`);
  }
  return { status: response.status, body: await response.text() };
}

/** `http://host:3000/` + `/ipn/paypal` without a double slash. */
export function endpointUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}
