// The one place providers are registered: adding a provider is a new folder plus one line here.

import { twocheckoutPlugin } from './2checkout/index';
import { paypalPlugin } from './paypal/index';
import type { ProviderPlugin } from './types';

export const PROVIDER_PLUGINS: readonly ProviderPlugin[] = [paypalPlugin, twocheckoutPlugin];

export const PROVIDER_IDS = PROVIDER_PLUGINS.map((plugin) => plugin.id);

/** Every message kind the registered plugins declare (`ipn`, `lcn`, `webhook`...). */
export const MESSAGE_KINDS: readonly string[] = [
  ...new Set(PROVIDER_PLUGINS.flatMap((plugin) => plugin.endpoints.map((endpoint) => endpoint.kind))),
];
