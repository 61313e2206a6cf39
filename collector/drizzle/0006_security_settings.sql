CREATE TABLE "security_settings" (
	"id" text PRIMARY KEY DEFAULT 'default' NOT NULL,
	"require_totp_for_teachers" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	CONSTRAINT "security_settings_single_row" CHECK ("security_settings"."id" = 'default')
);
--> statement-breakpoint
ALTER TABLE "security_settings" ADD CONSTRAINT "security_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;