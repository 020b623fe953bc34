/**
 * The outbox insert for new events: one pending delivery per enabled subscriber whose filters
 * match (providers, accounts, event types with `prefix.*` patterns, livemode; empty filter = all),
 * for rows of `events` (a CTE returning id, provider, account, type, livemode, whether it was
 * inserted and whether it is superseded) that are new and not superseded: a superseded event is
 * stored for the record and never delivered. Delivery ids are the event's ULID and the
 * subscriber's position: unique, and time-ordered like every other id.
 */
export function outboxInsert(events: string): string {
  return `
    insert into deliveries (id, event_id, subscriber_id, status, attempt_count, next_attempt_at)
    select 'dlv_' || substr(${events}.id, 5) || matched.position, ${events}.id, matched.id, 'pending', 0, now()
    from ${events}
    cross join lateral (
      select s.id, row_number() over (order by s.id) as position
      from subscribers s
      where s.enabled and s.deleted_at is null and ${subscriberMatches('s', events)}
    ) as matched
    where ${events}.inserted and not ${events}.superseded
    returning id, event_id, subscriber_id`;
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
