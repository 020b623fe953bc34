// Start-up hints for providers that are off, so a newcomer sees what turns each one on.
import { PROVIDER_PLUGINS } from '../providers/index';
import type { ProviderPlugin, ProviderSettings } from '../providers/types';

/** One line per registered provider that is not enabled, naming the one setting that enables it. */
export function disabledProviderHints(
  enabledIds: readonly string[],
  settings: ProviderSettings,
  plugins: readonly ProviderPlugin[] = PROVIDER_PLUGINS,
): string[] {
  return plugins
    .filter((plugin) => !enabledIds.includes(plugin.id))
    .map((plugin) => {
      // Configured but left out of PROVIDERS: that list is what switches it back on.
      const variable = plugin.isConfigured(settings) ? null : plugin.enabledBy;
      return variable
        ? `${plugin.id}: disabled, set ${variable} to enable`
        : `${plugin.id}: disabled, add it to PROVIDERS to enable`;
    });
}
