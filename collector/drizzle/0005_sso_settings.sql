CREATE TABLE "sso_settings" (
	"id" text PRIMARY KEY DEFAULT 'default' NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"preset" text DEFAULT 'generic' NOT NULL,
	"provider_name" text,
	"issuer" text,
	"client_id" text,
	"client_secret_sealed" text,
	"hosted_domain" text,
	"role_source" text DEFAULT 'users' NOT NULL,
	"groups_claim" text DEFAULT 'groups' NOT NULL,
	"role_mappings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"jit_enabled" boolean DEFAULT false NOT NULL,
	"trust_idp_mfa" boolean DEFAULT false NOT NULL,
	"mfa_acr_value" text,
	"password_sign_in" text DEFAULT 'everyone' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	CONSTRAINT "sso_settings_single_row" CHECK ("sso_settings"."id" = 'default'),
	CONSTRAINT "sso_settings_preset_check" CHECK ("sso_settings"."preset" in ('microsoft', 'google', 'generic')),
	CONSTRAINT "sso_settings_role_source_check" CHECK ("sso_settings"."role_source" in ('claims', 'users')),
	CONSTRAINT "sso_settings_password_sign_in_check" CHECK ("sso_settings"."password_sign_in" in ('everyone', 'admins'))
);
--> statement-breakpoint
ALTER TABLE "sso_settings" ADD CONSTRAINT "sso_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;