-- A check taken by a worker job holds its message until this time: a second job for the same
-- message (the reconciler's, or a redelivered one) finds it held and leaves it, so a provider is
-- asked once per attempt. Cleared when the attempt schedules its retry.
ALTER TABLE "inbound_messages" ADD COLUMN "verify_claimed_until" timestamptz;
