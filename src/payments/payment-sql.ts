import type { PaymentFacts } from './payment-facts';

/**
 * The payment half of the ingest statement. Given a relation of events being stored (columns
 * `ord`, `leader`, `provider`, `event_id`, `type`, `livemode`, `received_at`, `order_id` and the
 * `pay_*` facts of payment-facts.ts), it upserts one row per payment and yields, per `ord`,
 * whether the event is superseded.
 *
 * Why it holds under concurrency:
 * - Inside one statement, events of one payment are judged in `ord` (arrival) order with window
 *   functions: an event is superseded when its rank is not above every earlier one's and the
 *   row's, or, if repeatable, when its occurrence was already seen.
 * - Across statements, `on conflict do update` locks the payment row and works on its latest
 *   committed version; it stashes that version in `prior_*`, which RETURNING hands back, so each
 *   event is judged against the row as locked, not as the statement's snapshot saw it.
 * - Rows are upserted in key order (no deadlock between batches), and the decisions are sorted
 *   before use, so every payment is locked before any event row is written.
 * A payment's final row depends only on the set of its events, never on their order: the state is
 * the highest-ranked type, refunded_amount the sum over distinct refunds.
 */
export function paymentCtes(source: string): string {
  return `
  payment_events as (
    select ord, provider, pay_account as account, pay_txn as txn, event_id, type, pay_rank as rank,
           pay_repeatable as repeatable, pay_occurrence as occurrence, pay_refund_amount as refund_amount,
           pay_amount as amount, pay_currency as currency, order_id, pay_email as email, livemode, received_at,
           max(pay_rank) over (partition by provider, pay_account, pay_txn order by ord
                               rows between unbounded preceding and 1 preceding) as batch_prior_rank,
           pay_repeatable and row_number() over (partition by provider, pay_account, pay_txn, pay_occurrence
                                                 order by ord) > 1 as batch_repeat
    from ${source}
    where leader and pay_txn is not null),
  payment_rows as (
    select provider, account, txn, 'pay_' || substr(min(event_id), 5) as id,
           max(rank) as rank,
           (array_agg(type order by rank desc))[1] as state,
           max(rank) filter (where amount is not null) as source_rank,
           (array_agg(amount order by rank desc) filter (where amount is not null))[1] as amount,
           (array_agg(currency order by rank desc) filter (where amount is not null))[1] as currency,
           (array_agg(order_id order by rank desc) filter (where order_id is not null))[1] as order_id,
           (array_agg(email order by rank desc) filter (where email is not null))[1] as email,
           bool_and(livemode) as livemode,
           coalesce(jsonb_object_agg(occurrence, refund_amount) filter (where repeatable), '{}'::jsonb) as occurrences,
           min(received_at) as first_seen_at, max(received_at) as last_seen_at
    from payment_events
    group by provider, account, txn),
  written_payments as (
    insert into payments as p
      (id, provider, account, transaction_id, order_id, state, rank, amount, currency, refunded_amount,
       livemode, customer_email, source_rank, occurrences, prior_rank, prior_occurrences, first_seen_at, updated_at)
    select id, provider, account, txn, order_id, state, rank, amount, currency,
           (select sum(o.v::numeric) from jsonb_each_text(occurrences) as o(k, v)),
           livemode, email, source_rank, occurrences, null, null, first_seen_at, last_seen_at
    from payment_rows
    order by txn, provider, account
    on conflict (transaction_id, provider, account) do update set
      prior_rank = p.rank,
      prior_occurrences = p.occurrences,
      state = case when excluded.rank > p.rank then excluded.state else p.state end,
      rank = greatest(p.rank, excluded.rank),
      source_rank = greatest(p.source_rank, excluded.source_rank),
      amount = case when excluded.source_rank > coalesce(p.source_rank, -1)
                    then coalesce(excluded.amount, p.amount) else coalesce(p.amount, excluded.amount) end,
      currency = case when excluded.source_rank > coalesce(p.source_rank, -1)
                      then coalesce(excluded.currency, p.currency) else coalesce(p.currency, excluded.currency) end,
      order_id = case when excluded.rank > p.rank
                      then coalesce(excluded.order_id, p.order_id) else coalesce(p.order_id, excluded.order_id) end,
      customer_email = case when excluded.rank > p.rank
                            then coalesce(excluded.customer_email, p.customer_email)
                            else coalesce(p.customer_email, excluded.customer_email) end,
      occurrences = p.occurrences || excluded.occurrences,
      refunded_amount = (select sum(o.v::numeric) from jsonb_each_text(p.occurrences || excluded.occurrences) as o(k, v)),
      first_seen_at = least(p.first_seen_at, excluded.first_seen_at),
      updated_at = greatest(p.updated_at, excluded.updated_at)
    returning p.provider, p.account, p.transaction_id, p.prior_rank, p.prior_occurrences),
  payment_decisions as materialized (
    select e.ord,
           coalesce(case when e.repeatable then e.batch_repeat or coalesce(w.prior_occurrences ? e.occurrence, false)
                         else e.rank <= greatest(w.prior_rank, e.batch_prior_rank) end, false) as superseded
    from payment_events e
    join written_payments w on w.provider = e.provider and w.account = e.account and w.transaction_id = e.txn
    order by e.ord)`;
}

/** Column definitions of the `pay_*` facts inside a jsonb_to_recordset input. */
export const PAYMENT_INPUT_COLUMNS = `pay_account text, pay_txn text, pay_rank int, pay_repeatable boolean,
  pay_occurrence text, pay_refund_amount text, pay_amount text, pay_currency text, pay_email text`;

/** The `pay_*` fields of one event for a jsonb_to_recordset input (all null: no payment). */
export function paymentInput(facts: PaymentFacts | null): Record<string, unknown> {
  return {
    pay_account: facts?.account ?? null,
    pay_txn: facts?.transactionId ?? null,
    pay_rank: facts?.rank ?? null,
    pay_repeatable: facts?.repeatable ?? null,
    pay_occurrence: facts?.occurrence ?? null,
    pay_refund_amount: facts?.refundAmount ?? null,
    pay_amount: facts?.amount ?? null,
    pay_currency: facts?.currency ?? null,
    pay_email: facts?.email ?? null,
  };
}
