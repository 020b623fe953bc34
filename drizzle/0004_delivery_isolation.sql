-- Ordered delivery: the payment an event belongs to (provider:account:transaction), null when unknown.
ALTER TABLE "events" ADD COLUMN "payment_key" text;--> statement-breakpoint
UPDATE "events" SET "payment_key" = "provider" || ':' || "account" || ':' || coalesce(nullif("body"::jsonb #>> '{data,parent_transaction_id}', ''), "transaction_id")
  WHERE coalesce(nullif("body"::jsonb #>> '{data,parent_transaction_id}', ''), "transaction_id") IS NOT NULL;--> statement-breakpoint
CREATE INDEX "events_payment_key_idx" ON "events" USING btree ("payment_key","id") WHERE "payment_key" IS NOT NULL;--> statement-breakpoint
-- Subscriber options and health.
ALTER TABLE "subscribers" ADD COLUMN "livemode" text DEFAULT 'all' NOT NULL;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "headers" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "rate_limit" integer;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "ordering" text DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "disabled_reason" text;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "failing_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "failing_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "last_success_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "alert_state" text;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "alert_state_at" timestamp with time zone;--> statement-breakpoint
UPDATE "subscribers" SET "disabled_reason" = 'manual' WHERE NOT "enabled" AND "deleted_at" IS NULL;--> statement-breakpoint
-- A claim's token: an attempt is recorded only by the claim that made it.
ALTER TABLE "deliveries" ADD COLUMN "claim_token" text;--> statement-breakpoint
DROP INDEX "deliveries_due_idx";--> statement-breakpoint
CREATE INDEX "deliveries_due_idx" ON "deliveries" USING btree ("next_attempt_at","id") WHERE "deliveries"."status" = 'pending';--> statement-breakpoint
-- Operational alerts, kept until sent (retried like deliveries).
CREATE TABLE "alerts" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempt_count" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now(),
	"lease_until" timestamp with time zone,
	"last_error" text,
	"sent_at" timestamp with time zone
);--> statement-breakpoint
CREATE INDEX "alerts_due_idx" ON "alerts" USING btree ("next_attempt_at") WHERE "alerts"."status" = 'pending';
