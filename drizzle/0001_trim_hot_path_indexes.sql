DROP INDEX "deliveries_status_idx";--> statement-breakpoint
DROP INDEX "events_provider_idx";--> statement-breakpoint
DROP INDEX "inbound_messages_provider_key_idx";--> statement-breakpoint
DROP INDEX "inbound_messages_status_idx";--> statement-breakpoint
DROP INDEX "inbound_messages_event_idx";--> statement-breakpoint
CREATE INDEX "deliveries_failed_idx" ON "deliveries" USING btree ("id") WHERE "deliveries"."status" = 'failed';--> statement-breakpoint
CREATE INDEX "inbound_messages_unverified_idx" ON "inbound_messages" USING btree ("status","id") WHERE "inbound_messages"."status" <> 'verified';--> statement-breakpoint
-- Room on each page so claiming a delivery (lease only) can be a HOT update.
ALTER TABLE "deliveries" SET (fillfactor = 80);