import type { Config } from './config';

/**
 * Settings that start but leave the gateway open to abuse, as each enabled provider reports them
 * (for PayPal: live mode without a receiver list); logged at every start and shown on the
 * dashboard overview.
 */
export function configurationWarnings(config: Config): string[] {
  return config.providerConfig.enabled.flatMap(
    ({ plugin, shared, accounts }) => plugin.warnings?.(shared, accounts) ?? [],
  );
}
