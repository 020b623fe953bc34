// drizzle/0003_payments.sql on a database that already holds events: payments are built from
// them, refunds summed exactly, and earlier events stay delivered (superseded = false).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl, dropDatabase, withAdmin } from '../support/pg-admin';

const DRIZZLE = path.resolve('drizzle');

interface JournalEntry {
  idx: number;
  tag: string;
}

function statementsOf(tag: string): string[] {
  return readFileSync(path.join(DRIZZLE, `${tag}.sql`), 'utf8')
    .split('--> statement-breakpoint')
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

async function apply(sql: postgres.Sql, tag: string): Promise<void> {
  await sql.begin(async (tx) => {
    for (const statement of statementsOf(tag)) await tx.unsafe(statement);
  });
}

const body = (data: Record<string, unknown>, raw: Record<string, string> = {}) =>
  JSON.stringify({
    data: { parent_transaction_id: null, customer: { email: 'a@example.com' }, ...data },
    raw,
  });

describe('migration 0003 (payments) on a populated database', () => {
  const name = `ipn_migration_${randomBytes(4).toString('hex')}`;
  let sql: postgres.Sql;

  beforeAll(async () => {
    await withAdmin((admin) => admin.unsafe(`create database ${name}`));
    sql = postgres(databaseUrl(name), { max: 1, onnotice: () => {} });
    const journal = JSON.parse(readFileSync(path.join(DRIZZLE, 'meta/_journal.json'), 'utf8')) as {
      entries: JournalEntry[];
    };
    // Every migration the journal applies before this one, in journal order.
    const before = journal.entries.findIndex((entry) => entry.tag === '0003_payments');
    for (const entry of journal.entries.slice(0, before)) await apply(sql, entry.tag);
    const rows = [
      [
        'evt_01A',
        'paypal',
        'payment.completed',
        'P1',
        body({ transaction_id: 'P1', amount: '30.00', currency: 'USD' }),
      ],
      [
        'evt_01B',
        'paypal',
        'payment.refunded',
        'R1',
        body({ transaction_id: 'R1', parent_transaction_id: 'P1', amount: '-10.10', currency: 'USD' }),
      ],
      [
        'evt_01C',
        'paypal',
        'payment.refunded',
        'R2',
        body({ transaction_id: 'R2', parent_transaction_id: 'P1', amount: '-0.20', currency: 'USD' }),
      ],
      [
        'evt_01D',
        'paypal',
        'payment.pending',
        'P1',
        body({ transaction_id: 'P1', amount: '30.00', currency: 'USD' }),
      ],
      ['evt_01E', '2checkout', 'license.changed', null, body({ transaction_id: null, amount: null })],
      [
        'evt_01F',
        '2checkout',
        'payment.completed',
        '7001',
        body({ transaction_id: '7001', amount: '82.80', currency: 'EUR' }),
      ],
    ] as const;
    for (const [id, provider, type, transactionId, eventBody] of rows) {
      await sql`
        insert into events (id, provider, type, idempotency_key, livemode, occurred_at, received_at, message_id,
                            transaction_id, order_id, body)
        values (${id}, ${provider}, ${type}, ${id}, true, now(), now(), ${`msg_${id.slice(4)}`}, ${transactionId},
                'INV-1', ${eventBody})`;
    }
    await apply(sql, '0003_payments');
  });
  afterAll(async () => {
    await sql?.end({ timeout: 5 });
    await dropDatabase(name);
  });

  it('builds one payment per transaction from the stored events', async () => {
    const payments = await sql`
      select provider, account, transaction_id, state, amount, currency, refunded_amount::text as refunded_amount,
             customer_email, occurrences
      from payments order by provider, transaction_id`;
    expect(payments).toEqual([
      {
        provider: '2checkout',
        account: 'default',
        transaction_id: '7001',
        state: 'payment.completed',
        amount: '82.80',
        currency: 'EUR',
        refunded_amount: null,
        customer_email: 'a@example.com',
        occurrences: {},
      },
      {
        provider: 'paypal',
        account: 'default',
        transaction_id: 'P1',
        state: 'payment.refunded',
        amount: '30.00',
        currency: 'USD',
        refunded_amount: '10.30',
        customer_email: 'a@example.com',
        // The same keys the PayPal plugin gives these refunds, so a resend is recognised.
        occurrences: { 'payment.refunded|R1|10.10': '10.10', 'payment.refunded|R2|0.20': '0.20' },
      },
    ]);
  });

  it('attaches events to their payment and keeps them unsuperseded', async () => {
    const events = await sql`select id, payment_transaction_id, superseded from events order by id`;
    expect(events.map((event) => [event.id, event.payment_transaction_id, event.superseded])).toEqual([
      ['evt_01A', 'P1', false],
      ['evt_01B', 'P1', false],
      ['evt_01C', 'P1', false],
      ['evt_01D', 'P1', false],
      ['evt_01E', null, false],
      ['evt_01F', '7001', false],
    ]);
  });
});
