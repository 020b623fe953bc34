// Start-up hints for providers that are off, so a newcomer sees what turns each one on. The
// variable comes from each plugin's own settings declaration.
import type { DisabledProvider } from './config/provider-config';

/** One line per registered provider that is not enabled, naming the one setting that enables it. */
export function disabledProviderHints(disabled: readonly DisabledProvider[]): string[] {
  return disabled.map(({ id, enabledBy, configured }) =>
    // Configured but left out of PROVIDERS: that list is what switches it back on.
    !configured && enabledBy !== null
      ? `${id}: disabled, set ${enabledBy} to enable`
      : `${id}: disabled, add it to PROVIDERS to enable`,
  );
}
