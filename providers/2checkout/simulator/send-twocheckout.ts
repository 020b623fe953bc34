// Sends simulated 2Checkout IPNs/LCNs to a gateway and checks each read receipt.

import { endpointUrl, postForm } from '../../../src/cli/simulate/post-form';
import { accountPath } from '../../../src/providers/provider-instances';
import type { SignatureAlgorithm } from '../signature';
import { randomTwocheckoutIds } from './twocheckout-ids';
import {
  buildTwocheckoutMessage,
  type TwocheckoutEventType,
  type TwocheckoutMessage,
} from './twocheckout-message';
import { checkReceipt, type ReceiptCheck } from './twocheckout-receipt';

const TWOCHECKOUT_USER_AGENT = '2Checkout IPN simulator (ipn-gateway)';

export interface TwocheckoutSendOptions {
  gatewayUrl: string;
  type: TwocheckoutEventType;
  count: number;
  secretKey: string;
  algorithms: readonly SignatureAlgorithm[];
  test?: boolean;
  /** Post to this account's endpoints (`default`: the paths without a suffix). */
  account?: string;
}

export interface TwocheckoutSendResult {
  message: TwocheckoutMessage;
  status: number;
  answer: string;
  receipt: ReceiptCheck;
  /** 2Checkout counts a notification as delivered only with a 200 and a valid receipt. */
  ok: boolean;
}

export async function sendTwocheckoutMessages(
  options: TwocheckoutSendOptions,
  onResult: (result: TwocheckoutSendResult) => void = () => {},
): Promise<TwocheckoutSendResult[]> {
  const results: TwocheckoutSendResult[] = [];
  for (let sequence = 0; sequence < options.count; sequence++) {
    const message = buildTwocheckoutMessage({
      ...options,
      ids: randomTwocheckoutIds(),
      now: new Date(),
      sequence,
    });
    const answer = await postForm(
      endpointUrl(options.gatewayUrl, accountPath(message.path, options.account ?? 'default')),
      message.body,
      TWOCHECKOUT_USER_AGENT,
    );
    const receipt = checkReceipt(
      {
        kind: message.kind,
        fields: message.fields,
        algorithm: message.receiptAlgorithm,
        secretKey: options.secretKey,
      },
      answer.body,
    );
    const result = {
      message,
      status: answer.status,
      answer: answer.body,
      receipt,
      ok: answer.status === 200 && receipt.ok,
    };
    results.push(result);
    onResult(result);
  }
  return results;
}
