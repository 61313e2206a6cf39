ALTER TABLE "devices" ADD COLUMN "agent_kind" text DEFAULT 'desktop' NOT NULL;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "browser" text;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "profile_email" text;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_agent_kind_check" CHECK ("devices"."agent_kind" in ('desktop', 'browser'));