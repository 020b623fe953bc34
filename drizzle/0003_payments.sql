-- Payments: one row per provider, account and transaction, written by the same statement as each
-- of its events. `rank` is the position of `state` in the provider's transition table; a payment
-- only moves to a higher rank. `occurrences` holds the repeatable events seen (refunds, disputes),
-- keyed by type and what makes them distinct, each with its positive refunded amount (or null).
-- `prior_rank` / `prior_occurrences` are the row as the last write found it: the writing statement
-- reads them back to judge its events against the locked row.
CREATE TABLE "payments" (
	"id" text PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"account" text DEFAULT 'default' NOT NULL,
	"transaction_id" text NOT NULL,
	"order_id" text,
	"state" text NOT NULL,
	"rank" integer NOT NULL,
	"amount" text,
	"currency" text,
	"refunded_amount" numeric,
	"livemode" boolean NOT NULL,
	"customer_email" text,
	"source_rank" integer,
	"occurrences" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"prior_rank" integer,
	"prior_occurrences" jsonb,
	"first_seen_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
) WITH (fillfactor = 80);
--> statement-breakpoint
CREATE UNIQUE INDEX "payments_transaction_uq" ON "payments" USING btree ("transaction_id","provider","account");--> statement-breakpoint
CREATE INDEX "payments_order_idx" ON "payments" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "payments_email_idx" ON "payments" USING btree (lower("customer_email"));--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "payment_transaction_id" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "superseded" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "events_payment_idx" ON "events" USING btree ("payment_transaction_id") WHERE "events"."payment_transaction_id" IS NOT NULL;--> statement-breakpoint
-- Backfill from the events already stored, with the transition tables as they were when this
-- migration was written (both providers rank the types they share alike). Earlier events keep
-- superseded = false: they were delivered.
CREATE TEMPORARY TABLE "payment_ranks" ("type" text PRIMARY KEY, "rank" integer NOT NULL, "repeatable" boolean NOT NULL, "refund" boolean NOT NULL, "carries_amount" boolean NOT NULL);--> statement-breakpoint
INSERT INTO "payment_ranks" VALUES
	('payment.pending', 10, false, false, true), ('payment.authorized', 20, false, false, true),
	('payment.failed', 30, false, false, true), ('payment.denied', 31, false, false, true),
	('payment.canceled', 32, false, false, true), ('subscription.payment_failed', 33, false, false, true),
	('payment.completed', 40, false, false, true), ('subscription.payment_succeeded', 41, false, false, true),
	('payment.refunded', 50, true, true, false), ('dispute.opened', 60, true, false, false),
	('payment.reversed', 70, false, false, false), ('payment.reversal_canceled', 80, false, false, false);--> statement-breakpoint
UPDATE "events" SET "payment_transaction_id" = coalesce(("body"::jsonb)->'data'->>'parent_transaction_id', "transaction_id")
WHERE "type" IN (SELECT "type" FROM "payment_ranks") AND "transaction_id" IS NOT NULL;--> statement-breakpoint
INSERT INTO "payments" ("id", "provider", "account", "transaction_id", "order_id", "state", "rank", "amount",
	"currency", "refunded_amount", "livemode", "customer_email", "source_rank", "occurrences", "first_seen_at", "updated_at")
SELECT 'pay_' || substr(min(e."id"), 5), e."provider", 'default', e."payment_transaction_id",
	(array_agg(e."order_id" ORDER BY r."rank" DESC) FILTER (WHERE e."order_id" IS NOT NULL))[1],
	(array_agg(e."type" ORDER BY r."rank" DESC))[1], max(r."rank"),
	(array_agg(e.d->>'amount' ORDER BY r."rank" DESC) FILTER (WHERE r."carries_amount" AND e.d->>'amount' IS NOT NULL))[1],
	(array_agg(e.d->>'currency' ORDER BY r."rank" DESC) FILTER (WHERE r."carries_amount" AND e.d->>'amount' IS NOT NULL))[1],
	NULL, bool_and(e."livemode"),
	(array_agg(e.d->'customer'->>'email' ORDER BY r."rank" DESC) FILTER (WHERE e.d->'customer'->>'email' IS NOT NULL))[1],
	max(r."rank") FILTER (WHERE r."carries_amount" AND e.d->>'amount' IS NOT NULL),
	coalesce(jsonb_object_agg(
		e."type" || '|' || CASE WHEN r."refund"
			THEN coalesce(nullif(e."transaction_id", e."payment_transaction_id"), '') || '|' || ltrim(coalesce(e.d->>'amount', ''), '-')
			ELSE 'case:' || coalesce(e."body"::jsonb->'raw'->>'case_id', e."id") END,
		CASE WHEN r."refund" AND ltrim(e.d->>'amount', '-') ~ '^[0-9]+(\.[0-9]+)?$' THEN ltrim(e.d->>'amount', '-') END)
		FILTER (WHERE r."repeatable"), '{}'::jsonb),
	min(e."received_at"), max(e."received_at")
FROM (SELECT *, ("body"::jsonb)->'data' AS d FROM "events" WHERE "payment_transaction_id" IS NOT NULL) e
JOIN "payment_ranks" r ON r."type" = e."type"
GROUP BY e."provider", e."payment_transaction_id";--> statement-breakpoint
UPDATE "payments" SET "refunded_amount" = (SELECT sum(o.v::numeric) FROM jsonb_each_text("occurrences") AS o(k, v) WHERE o.v IS NOT NULL);--> statement-breakpoint
DROP TABLE "payment_ranks";
