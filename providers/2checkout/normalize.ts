// 2Checkout fields → the shared event (docs/contract.md section 3).

import { toRawFields } from '../form';
import type { EventData, EventItem, MessageKind, NormalizedEvent } from '../types';
import { eventType } from './event-type';
import { fieldMap, type GroupedFields, list, orNull, scalar } from './fields';

type FieldMap = ReturnType<typeof fieldMap>;

const NUMBER = /^-?\d+(\.\d+)?$/;

function quantity(value: string | undefined): number | null {
  return value !== undefined && NUMBER.test(value) ? Number(value) : null;
}

function ipnItems(byName: FieldMap): EventItem[] {
  const names = list(byName, 'IPN_PNAME');
  const quantities = list(byName, 'IPN_QTY');
  const prices = list(byName, 'IPN_PRICE');
  const count = Math.max(names.length, quantities.length, prices.length);
  const items: EventItem[] = [];
  for (let i = 0; i < count; i++) {
    items.push({ name: orNull(names[i]), quantity: quantity(quantities[i]), amount: orNull(prices[i]) });
  }
  return items;
}

function ipnData(byName: FieldMap): EventData {
  const field = (name: string) => orNull(scalar(byName, name));
  return {
    transaction_id: field('REFNO'),
    parent_transaction_id: null,
    order_id: field('REFNOEXT'),
    subscription_id: orNull(list(byName, 'IPN_LICENSE_REF')[0]),
    provider_status: field('ORDERSTATUS'),
    amount: field('IPN_TOTALGENERAL'),
    currency: field('CURRENCY'),
    fee: null,
    customer: {
      email: field('CUSTOMEREMAIL'),
      first_name: field('FIRSTNAME'),
      last_name: field('LASTNAME'),
      // 2Checkout sends ISO2 in lower case.
      country: field('COUNTRY_CODE')?.toUpperCase() ?? null,
    },
    items: ipnItems(byName),
    reason: null,
    receiver: null,
  };
}

function lcnData(byName: FieldMap): EventData {
  const field = (name: string) => orNull(scalar(byName, name));
  return {
    transaction_id: null,
    parent_transaction_id: null,
    order_id: null,
    subscription_id: field('LICENSE_CODE'),
    provider_status: field('STATUS'),
    amount: null,
    currency: null,
    fee: null,
    customer: {
      email: field('EMAIL'),
      first_name: field('FIRST_NAME'),
      last_name: field('LAST_NAME'),
      country: null,
    },
    items: [],
    reason: null,
    receiver: null,
  };
}

export function normalize(
  kind: MessageKind,
  fields: GroupedFields,
  byName = fieldMap(fields),
): NormalizedEvent {
  return {
    type: eventType(kind, scalar(byName, 'ORDERSTATUS')),
    livemode: scalar(byName, kind === 'ipn' ? 'TEST_ORDER' : 'TEST') !== '1',
    // 2Checkout's dates carry no zone, so the core's received_at is the honest time.
    occurredAt: null,
    data: kind === 'ipn' ? ipnData(byName) : lcnData(byName),
    raw: toRawFields(fields),
  };
}
