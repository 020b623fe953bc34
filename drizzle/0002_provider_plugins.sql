-- Several accounts per provider (docs/contract.md, section 9): every message and event names its account ("default"
-- for the settings of the environment), and subscribers may filter by account. Constant defaults:
-- existing rows get "default" / no filter.
ALTER TABLE "inbound_messages" ADD COLUMN "account" text DEFAULT 'default' NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "account" text DEFAULT 'default' NOT NULL;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "accounts" text[] DEFAULT '{}'::text[] NOT NULL;
--> statement-breakpoint
-- Stored event bodies gain "account" and "channel" after "provider", keeping the key order
-- subscribers see (the body is text, sent byte for byte on every retry).
UPDATE "events" AS e
SET "body" = regexp_replace(
  e."body",
  '^(\{"id":"[^"]*","type":"[^"]*","provider":"[^"]*",)',
  '\1"account":"default","channel":"' || m."kind" || '",')
FROM "inbound_messages" AS m
WHERE m."id" = e."message_id"
  AND e."body" !~ '^\{"id":"[^"]*","type":"[^"]*","provider":"[^"]*","account":';
