// Which payment an event belongs to, for ordered delivery: provider, account and transaction,
// where refunds, reversals and disputes count under their parent transaction. Null when the event
// names no transaction (it then waits for nothing and holds nothing up).
import type { EventData } from '../../providers/types';

export function paymentKey(
  provider: string,
  data: Pick<EventData, 'transaction_id' | 'parent_transaction_id'>,
  account: string,
): string | null {
  const transaction = data.parent_transaction_id || data.transaction_id;
  return transaction ? `${provider}:${account}:${transaction}` : null;
}
