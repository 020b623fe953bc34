-- Several accounts per provider (SPEC 9): every message and event names its account ("default"
-- for the settings of the environment), and subscribers may filter by account. Constant defaults:
-- existing rows get "default" / no filter without a table rewrite.
ALTER TABLE "inbound_messages" ADD COLUMN "account" text DEFAULT 'default' NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "account" text DEFAULT 'default' NOT NULL;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "accounts" text[] DEFAULT '{}'::text[] NOT NULL;
