// Provider settings, as each plugin declares them: its environment variables (the `default`
// account) and its accounts in ACCOUNTS_FILE. The core knows no provider by name.
import type { ProviderPlugin } from '../../providers/types';
import { type AccountsByProvider, DEFAULT_ACCOUNT, readAccountsFile } from './accounts-file';

export interface ProviderAccountConfig {
  name: string;
  settings: unknown;
}

export interface ProviderConfig {
  plugin: ProviderPlugin;
  shared: unknown;
  accounts: ProviderAccountConfig[];
}

export interface DisabledProvider {
  id: string;
  /** The variable that would enable it; null for a provider on by default. */
  enabledBy: string | null;
  /** It has settings (an account) and only PROVIDERS leaves it out. */
  configured: boolean;
}

export interface ProvidersConfig {
  /** Every registered plugin, enabled or not. */
  known: readonly ProviderPlugin[];
  enabled: ProviderConfig[];
  disabled: DisabledProvider[];
}

interface ZodIssueLike {
  path: PropertyKey[];
  message: string;
}

const issueLines = (prefix: string, issues: readonly ZodIssueLike[]) =>
  issues.map((issue) => `${prefix}${issue.path.map(String).join('.')}: ${issue.message}`);

function fileAccounts(
  plugin: ProviderPlugin,
  entries: Map<string, unknown> | undefined,
  problems: string[],
): ProviderAccountConfig[] {
  const accounts: ProviderAccountConfig[] = [];
  for (const [name, raw] of entries ?? []) {
    const parsed = plugin.settings.account.safeParse(raw ?? {});
    if (parsed.success) accounts.push({ name, settings: parsed.data });
    else problems.push(...issueLines(`ACCOUNTS_FILE: ${plugin.id}.${name}.`, parsed.error.issues));
  }
  return accounts;
}

export function loadProvidersConfig(
  env: Record<string, string | undefined>,
  plugins: readonly ProviderPlugin[],
  requested: string[] | undefined,
  accountsFile: string | undefined,
): { providers: ProvidersConfig; problems: string[] } {
  const problems: string[] = [];
  let fromFile: AccountsByProvider = new Map();
  if (accountsFile !== undefined) {
    const read = readAccountsFile(accountsFile, env);
    fromFile = read.accounts;
    problems.push(...read.problems);
    for (const id of fromFile.keys()) {
      if (!plugins.some((plugin) => plugin.id === id)) {
        problems.push(
          `ACCOUNTS_FILE: unknown provider "${id}" (known: ${plugins.map((p) => p.id).join(', ')})`,
        );
      }
    }
  }

  const configured = new Map<string, ProviderConfig>();
  for (const plugin of plugins) {
    const shared = plugin.settings.env.safeParse(env);
    if (!shared.success) {
      problems.push(...issueLines('', shared.error.issues));
      continue;
    }
    const accounts = fileAccounts(plugin, fromFile.get(plugin.id), problems);
    const fallback = plugin.settings.defaultAccount(shared.data);
    if (fallback !== null) accounts.unshift({ name: DEFAULT_ACCOUNT, settings: fallback });
    if (accounts.length > 0) configured.set(plugin.id, { plugin, shared: shared.data, accounts });
  }

  const wanted = requested ?? plugins.filter((plugin) => configured.has(plugin.id)).map((p) => p.id);
  const enabled: ProviderConfig[] = [];
  for (const id of new Set(wanted)) {
    const plugin = plugins.find((candidate) => candidate.id === id);
    const config = configured.get(id);
    if (!plugin) {
      problems.push(`PROVIDERS: unknown provider "${id}" (known: ${plugins.map((p) => p.id).join(', ')})`);
    } else if (!config) {
      problems.push(
        `PROVIDERS: ${id} is enabled but ${plugin.settings.enabledBy} is not set (nor any ${id} account in ACCOUNTS_FILE)`,
      );
    } else {
      enabled.push(config);
    }
  }
  const disabled = plugins
    .filter((plugin) => !enabled.some((config) => config.plugin === plugin))
    .map((plugin) => ({
      id: plugin.id,
      enabledBy: plugin.settings.enabledBy,
      configured: configured.has(plugin.id),
    }));
  return { providers: { known: plugins, enabled, disabled }, problems };
}
