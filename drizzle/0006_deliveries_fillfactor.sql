-- Room on each page of deliveries, so the claim's update (lease_until, claim_token, updated_at:
-- no index covers them) is a HOT update: the new row version stays on its page and none of the
-- table's five indexes gets a new entry. Applies to pages written from now on.
ALTER TABLE "deliveries" SET (fillfactor = 75);
