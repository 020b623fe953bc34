/**
 * `status = 'pending'`, spelled so the planner cannot prove a partial index's predicate and pick
 * that index: the partial indexes on pending rows hold the whole backlog, and a lookup by id or
 * event through them would scan it all.
 */
export const IS_PENDING = "(status || '') = 'pending'";
