// Which payment an event belongs to, for ordered delivery: provider, account and transaction,
// where refunds, reversals and disputes count under their parent transaction. Null when the event
// names no transaction (it then waits for nothing and holds nothing up).
import type { EventData } from '../../providers/types';

/** Until providers have several accounts, every event belongs to this one. */
export const DEFAULT_ACCOUNT = 'default';

export function paymentKey(
  provider: string,
  data: Pick<EventData, 'transaction_id' | 'parent_transaction_id'>,
  account: string = DEFAULT_ACCOUNT,
): string | null {
  const transaction = data.parent_transaction_id || data.transaction_id;
  return transaction ? `${provider}:${account}:${transaction}` : null;
}
