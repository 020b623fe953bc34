// Every enabled provider account, configured: what the HTTP layer mounts and what the verify
// worker looks up by (provider, account). Built from the plugins' own declarations only.
import type { MessageKind, OutOfBandVerifier, ProviderAccount } from '../../providers/types';
import { DEFAULT_ACCOUNT } from '../config/accounts-file';
import type { ProvidersConfig } from '../config/provider-config';

export interface MountedEndpoint {
  kind: MessageKind;
  /** The plugin's path, with `/<account>` appended for every account but `default`. */
  path: string;
  answersGet: boolean;
}

export interface ProviderInstance {
  provider: string;
  account: string;
  endpoints: MountedEndpoint[];
  receive: ProviderAccount['receive'];
  verifier?: OutOfBandVerifier;
}

/** An endpoint left off because its account lacks a setting, for the start-up hint. */
export interface EndpointHint {
  provider: string;
  account: string;
  kind: MessageKind;
  variable: string;
}

export function accountPath(path: string, account: string): string {
  return account === DEFAULT_ACCOUNT ? path : `${path}/${account}`;
}

export function buildProviderInstances(config: ProvidersConfig): {
  instances: ProviderInstance[];
  hints: EndpointHint[];
} {
  const instances: ProviderInstance[] = [];
  const hints: EndpointHint[] = [];
  for (const { plugin, shared, accounts } of config.enabled) {
    for (const account of accounts) {
      const configured = plugin.configure(shared, account.settings, account.name);
      const endpoints: MountedEndpoint[] = [];
      for (const endpoint of plugin.endpoints) {
        if (endpoint.requires && !endpoint.requires.present(account.settings)) {
          hints.push({
            provider: plugin.id,
            account: account.name,
            kind: endpoint.kind,
            variable: endpoint.requires.variable,
          });
          continue;
        }
        endpoints.push({
          kind: endpoint.kind,
          path: accountPath(endpoint.path, account.name),
          answersGet: endpoint.answersGet ?? false,
        });
      }
      instances.push({
        provider: plugin.id,
        account: account.name,
        endpoints,
        receive: (request) => configured.receive(request),
        verifier: configured.verifier,
      });
    }
  }
  return { instances, hints };
}

export function findInstance(
  instances: readonly ProviderInstance[],
  provider: string,
  account: string,
): ProviderInstance | undefined {
  return instances.find((instance) => instance.provider === provider && instance.account === account);
}

/** Every message kind any registered plugin declares (for API and dashboard filters). */
export function knownKinds(config: ProvidersConfig): string[] {
  return [...new Set(config.known.flatMap((plugin) => plugin.endpoints.map((endpoint) => endpoint.kind)))];
}
