// Runs a plugin's out-of-band check to its end: each `request` step is sent by the core and its
// answer handed back. Bounded, so a plugin cannot make the core loop.
import type { OutOfBandVerifier, StoredMessage, VerifyStep } from '../../providers/types';
import type { NetworkClient } from './network-client';

export const MAX_REQUESTS_PER_CHECK = 4;

export type CheckResult = Exclude<VerifyStep, { step: 'request' }>;

export async function runCheck(
  verifier: OutOfBandVerifier,
  message: StoredMessage,
  network: NetworkClient,
  options: { now?: Date; timeoutMs?: number } = {},
): Promise<CheckResult> {
  const now = options.now ?? new Date();
  const timeoutMs = Math.min(verifier.timeoutMs, options.timeoutMs ?? Number.POSITIVE_INFINITY);
  let step: VerifyStep;
  try {
    step = verifier.verify(message, now);
    for (let requests = 0; step.step === 'request'; requests++) {
      if (requests >= MAX_REQUESTS_PER_CHECK) {
        return { step: 'retry', reason: `check needed more than ${MAX_REQUESTS_PER_CHECK} requests` };
      }
      const answer = await network.send(step.request, timeoutMs);
      step = step.continueWith(answer);
    }
  } catch (error) {
    return {
      step: 'retry',
      reason: `check failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return step;
}
