import type { EventType, MessageKind } from '../types';

const IPN_TYPES: ReadonlyMap<string, EventType> = new Map([
  ['PENDING', 'payment.pending'],
  ['PURCHASE_PENDING', 'payment.pending'],
  ['PENDING_APPROVAL', 'payment.pending'],
  ['PENDING_ORDER_APPROVAL', 'payment.pending'],
  ['PAYMENT_AUTHORIZED', 'payment.authorized'],
  ['PAYMENT_RECEIVED', 'payment.authorized'],
  ['COMPLETE', 'payment.completed'],
  ['CANCELED', 'payment.canceled'],
  ['REFUND', 'payment.refunded'],
  ['REVERSED', 'payment.reversed'],
]);

/** IPNs by ORDERSTATUS (an unknown status is still stored, just unclassified); every LCN is a license change. */
export function eventType(kind: MessageKind, orderStatus: string | undefined): EventType {
  if (kind === 'lcn') return 'license.changed';
  return (orderStatus !== undefined && IPN_TYPES.get(orderStatus)) || 'notification.unclassified';
}
