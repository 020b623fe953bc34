/**
 * The outbox insert for new events: one pending delivery per enabled subscriber whose filters
 * match (empty filter = all; `prefix.*` patterns), for rows of `events` (a CTE returning id,
 * provider, account, type, whether it was inserted and whether it is superseded) that are new and
 * not superseded: a superseded event is stored for the record and never delivered. Delivery ids
 * are the event's ULID and the subscriber's position: unique, and time-ordered like every other id.
 */
export function outboxInsert(events: string): string {
  return `
    insert into deliveries (id, event_id, subscriber_id, status, attempt_count, next_attempt_at)
    select 'dlv_' || substr(${events}.id, 5) || matched.position, ${events}.id, matched.id, 'pending', 0, now()
    from ${events}
    cross join lateral (
      select s.id, row_number() over (order by s.id) as position
      from subscribers s
      where s.enabled and s.deleted_at is null
        and (cardinality(s.providers) = 0 or ${events}.provider = any(s.providers))
        and (cardinality(s.accounts) = 0 or ${events}.account = any(s.accounts))
        and (cardinality(s.event_types) = 0 or exists (
          select 1 from unnest(s.event_types) as filter(pattern)
          where filter.pattern = ${events}.type or filter.pattern = '*'
             or (right(filter.pattern, 2) = '.*' and starts_with(${events}.type, left(filter.pattern, -1)))))
    ) as matched
    where ${events}.inserted and not ${events}.superseded
    returning id, event_id`;
}
