// Drives provider plugins without a gateway: settings from an env map, requests with defaults,
// and out-of-band checks answered by a script instead of the network.
import type {
  InboundRequest,
  NetworkAnswer,
  NetworkRequest,
  OutOfBandVerifier,
  ProviderAccount,
  ProviderPlugin,
  VerifiedDecision,
  VerifyStep,
} from '../../providers/types';
import type { ProviderInstance } from '../../src/providers/provider-instances';
import type { NetworkClient } from '../../src/verify/network-client';

/** The plugin's `default` account from these variables; throws when it has none. */
export function configureFromEnv(plugin: ProviderPlugin, env: Record<string, string>): ProviderAccount {
  const shared = plugin.settings.env.parse(env);
  const account = plugin.settings.defaultAccount(shared);
  if (account === null) throw new Error(`${plugin.id} has no default account with these settings`);
  return plugin.configure(shared, account, 'default');
}

export function inbound(
  kind: string,
  rawBody: Buffer,
  extra: Partial<Omit<InboundRequest, 'kind' | 'rawBody'>> = {},
): InboundRequest {
  return {
    kind,
    account: 'default',
    path: '/',
    headers: {},
    contentType: null,
    now: new Date('2026-01-01T00:00:00Z'),
    ...extra,
    rawBody,
  };
}

/** Runs a check to its end, answering each request with `respond`; records the requests made. */
export function runCheckWith(
  configured: ProviderAccount,
  message: { kind: string; rawBody: Buffer; headers?: Record<string, string>; account?: string },
  respond: (request: NetworkRequest) => NetworkAnswer,
  now = new Date(),
): { result: Exclude<VerifyStep, { step: 'request' }>; requests: NetworkRequest[] } {
  const verifier = configured.verifier;
  if (!verifier) throw new Error('this provider has no out-of-band verifier');
  const requests: NetworkRequest[] = [];
  let step = verifier.verify(
    {
      kind: message.kind,
      account: message.account ?? 'default',
      headers: message.headers ?? {},
      rawBody: message.rawBody,
      receivedAt: now,
    },
    now,
  );
  while (step.step === 'request') {
    requests.push(step.request);
    step = step.continueWith(respond(step.request));
  }
  return { result: step, requests };
}

/** A PayPal-style postback check answered with `answer`; the verified decision, or throws. */
export function afterPostback(
  configured: ProviderAccount,
  rawBody: Buffer,
  answer = 'VERIFIED',
): VerifiedDecision {
  const { result } = runCheckWith(configured, { kind: 'ipn', rawBody }, () => ({
    ok: true,
    status: 200,
    body: Buffer.from(answer),
  }));
  if (result.step !== 'verified') throw new Error(`check ended ${result.step}: ${JSON.stringify(result)}`);
  return result.decision;
}

/** PayPal's `default` account with only an out-of-band check (for driving the verifier directly). */
export function checkOnlyInstance(verifier: OutOfBandVerifier): ProviderInstance {
  return {
    provider: 'paypal',
    account: 'default',
    endpoints: [],
    receive: () => {
      throw new Error('unused');
    },
    verifier,
  };
}

/** A network client whose requests wait until the test answers them, in the order they were sent. */
export function heldNetwork() {
  const postbacks: Array<{ body: string; answer: (value: NetworkAnswer) => void }> = [];
  const network = {
    send: (request: { body?: string | Buffer }) =>
      new Promise<NetworkAnswer>((answer) => postbacks.push({ body: String(request.body), answer })),
  } as unknown as NetworkClient;
  return { postbacks, network };
}
