/** Failed attempts in a row after which a subscriber is `failing` (and an alert goes out). */
export const FAILING_AFTER_ATTEMPTS = 3;
/** Auto-disable needs at least this many attempts, all failed, over SUBSCRIBER_DISABLE_AFTER. */
export const DISABLE_MIN_ATTEMPTS = 5;
