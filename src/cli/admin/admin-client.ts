// The admin API over HTTP with the bearer token. Failures become one-line CliErrors carrying the
// problem+json `detail` (and each invalid field, for 422s).
import { CliError, describeError } from '../cli-error';

type Query = Record<string, string | number | undefined>;

interface Problem {
  title?: unknown;
  detail?: unknown;
  errors?: Array<{ path?: unknown; message?: unknown }>;
}

function problemText(status: number, text: string): string {
  let problem: Problem | null = null;
  try {
    problem = JSON.parse(text) as Problem;
  } catch {
    // Not JSON: fall back to the status and the start of the body.
  }
  if (problem && typeof problem.detail === 'string') {
    const fields = Array.isArray(problem.errors)
      ? problem.errors.map((error) => `${String(error.path)}: ${String(error.message)}`)
      : [];
    const title = typeof problem.title === 'string' ? ` ${problem.title}` : '';
    return `${status}${title}: ${problem.detail}${fields.length > 0 ? ` (${fields.join('; ')})` : ''}`;
  }
  const snippet = text.trim().replace(/\s+/g, ' ').slice(0, 200);
  return `HTTP ${status}${snippet ? `: ${snippet}` : ''}`;
}

export class AdminClient {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly token: string,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  get<T>(path: string, query: Query = {}): Promise<T> {
    return this.request<T>('GET', path, query);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, {}, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, {}, body);
  }

  delete(path: string): Promise<unknown> {
    return this.request('DELETE', path);
  }

  private async request<T>(method: string, path: string, query: Query = {}, body?: unknown): Promise<T> {
    const url = new URL(`${this.baseUrl}/api${path}`);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      accept: 'application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new CliError(`cannot reach the gateway at ${this.baseUrl}: ${describeError(error)}`);
    }
    const text = await response.text();
    if (!response.ok)
      throw new CliError(`${method} /api${path} failed: ${problemText(response.status, text)}`);
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError(
        `${method} /api${path}: the answer is not JSON (is ${this.baseUrl} an ipn-gateway?)`,
      );
    }
  }
}
