/**
 * The outbox insert for new events: one pending delivery per enabled subscriber whose filters
 * match (providers, accounts, event types with `prefix.*` patterns, livemode; empty filter = all),
 * for rows of `events` (a CTE returning id, provider, account, type, livemode, whether it was
 * inserted and whether it is superseded) that are new and not superseded: a superseded event is
 * stored for the record and never delivered. Delivery ids are the event's ULID and the
 * subscriber's position: unique, and time-ordered like every other id.
 */
export function outboxInsert(events: string, preclaim: PreclaimParams | null = null): string {
  // A delivery this process will attempt at once is inserted already claimed (see preclaim.ts).
  const leased = preclaim && `(matched.id || ':' || matched.version) = any(${preclaim.keys})`;
  const claim = leased
    ? `case when ${leased} then now() + ${preclaim.leaseMs} * interval '1 millisecond' end,
           case when ${leased} then gen_random_uuid()::text end`
    : 'null::timestamptz, null::text';
  return `
    insert into deliveries
      (id, event_id, subscriber_id, status, attempt_count, next_attempt_at, lease_until, claim_token)
    select 'dlv_' || substr(${events}.id, 5) || matched.position, ${events}.id, matched.id, 'pending', 0, now(),
           ${claim}
    from ${events}
    cross join lateral (
      select s.id, s.xmin::text as version, row_number() over (order by s.id) as position
      from subscribers s
      where s.enabled and s.deleted_at is null and ${subscriberMatches('s', events)}
    ) as matched
    where ${events}.inserted and not ${events}.superseded
    returning id, event_id, subscriber_id, claim_token`;
}

/**
 * Parameters of a preclaiming outbox insert: `keys` is a text[] of `subscriber id:row version`
 * (xmin) whose deliveries are claimed in the insert, `leaseMs` the lease in milliseconds.
 */
export interface PreclaimParams {
  keys: string;
  leaseMs: string;
}

/**
 * Whether subscriber `s` wants event `e` by its filters (not by whether it is enabled). Shared by
 * the outbox and by recover, so both pick exactly the same events.
 */
export function subscriberMatches(s: string, e: string): string {
  return `(cardinality(${s}.providers) = 0 or ${e}.provider = any(${s}.providers))
        and (cardinality(${s}.accounts) = 0 or ${e}.account = any(${s}.accounts))
        and (${s}.livemode = 'all' or (${s}.livemode = 'live') = ${e}.livemode)
        and (cardinality(${s}.event_types) = 0 or exists (
          select 1 from unnest(${s}.event_types) as filter(pattern)
          where filter.pattern = ${e}.type or filter.pattern = '*'
             or (right(filter.pattern, 2) = '.*' and starts_with(${e}.type, left(filter.pattern, -1)))))`;
}
