// A simulator posting to another account's endpoint signs with that account's secret: read from
// ACCOUNTS_FILE, as the gateway reads it (`{ "env": "NAME" }` values resolved).
import { readAccountsFile } from '../../config/accounts-file';
import { CliError, EXIT_USAGE } from '../cli-error';

export function accountSetting(
  provider: string,
  account: string,
  setting: string,
  env: Record<string, string | undefined> = process.env,
): string {
  const file = env.ACCOUNTS_FILE;
  if (!file) {
    throw new CliError(
      `account ${account}: set ACCOUNTS_FILE (as for the gateway) or pass the key`,
      EXIT_USAGE,
    );
  }
  const { accounts, problems } = readAccountsFile(file, env);
  if (problems.length > 0) throw new CliError(problems.join('\n'), EXIT_USAGE);
  const settings = accounts.get(provider)?.get(account);
  const value =
    typeof settings === 'object' && settings !== null
      ? (settings as Record<string, unknown>)[setting]
      : undefined;
  if (typeof value !== 'string' || value === '') {
    throw new CliError(`ACCOUNTS_FILE has no ${provider}.${account}.${setting}`, EXIT_USAGE);
  }
  return value;
}
