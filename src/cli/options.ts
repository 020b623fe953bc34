// Options several commands share, with their environment defaults and value checks.
import { InvalidArgumentError, Option } from 'commander';
import { PROVIDER_IDS } from '../../providers/index';
import { AdminClient } from './admin/admin-client';
import { CliError, EXIT_USAGE } from './cli-error';

export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:3000';

export interface GatewayOptions {
  url: string;
}

export interface AdminOptions extends GatewayOptions {
  token?: string;
}

export interface PageOptions {
  limit?: number;
  cursor?: string;
  json?: boolean;
}

export function integerIn(min: number, max: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return value;
  };
}

export function commaList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

export function httpUrl(text: string): string {
  if (!URL.canParse(text) || !['http:', 'https:'].includes(new URL(text).protocol)) {
    throw new InvalidArgumentError('expected an http:// or https:// URL');
  }
  return text;
}

export const gatewayUrlOption = () =>
  new Option('--url <url>', 'gateway base URL')
    .env('IPN_GATEWAY_URL')
    .default(DEFAULT_GATEWAY_URL)
    .argParser(httpUrl);

export const tokenOption = () => new Option('--token <token>', 'admin token').env('ADMIN_TOKEN');

export const jsonOption = () => new Option('--json', 'print the API answer as JSON');

export const limitOption = () =>
  new Option('--limit <n>', 'items per page (1-200)').argParser(integerIn(1, 200)).default(50);

export const cursorOption = () =>
  new Option('--cursor <cursor>', 'next page: the cursor a previous list printed');

export const providerOption = (what: string) =>
  new Option('--provider <id>', `only ${what} of this provider`).choices(PROVIDER_IDS);

export function adminClient(options: AdminOptions): AdminClient {
  if (!options.token) {
    throw new CliError('no admin token: set ADMIN_TOKEN or pass --token <token>', EXIT_USAGE);
  }
  return new AdminClient(options.url, options.token);
}
