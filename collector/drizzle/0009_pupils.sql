CREATE TABLE "pupil_accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"pupil_id" text NOT NULL,
	"site_id" text NOT NULL,
	"kind" text NOT NULL,
	"username" text NOT NULL,
	CONSTRAINT "pupil_accounts_kind_check" CHECK ("pupil_accounts"."kind" in ('os', 'google', 'microsoft')),
	CONSTRAINT "pupil_accounts_username_lower_check" CHECK ("pupil_accounts"."username" = lower("pupil_accounts"."username") and "pupil_accounts"."username" <> '')
);
--> statement-breakpoint
CREATE TABLE "pupil_import_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"site_id" text NOT NULL,
	"actor_user_id" text,
	"actor_label" text NOT NULL,
	"file_name" text,
	"full_import" boolean NOT NULL,
	"rows" integer NOT NULL,
	"added" integer NOT NULL,
	"updated" integer NOT NULL,
	"unchanged" integer NOT NULL,
	"left" integer NOT NULL,
	"problems" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pupils" (
	"id" text PRIMARY KEY NOT NULL,
	"site_id" text NOT NULL,
	"mis_id" text NOT NULL,
	"given_name" text NOT NULL,
	"family_name" text NOT NULL,
	"year_group" text,
	"tutor_group" text,
	"classes" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"left_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pupils_status_check" CHECK ("pupils"."status" in ('active', 'left')),
	CONSTRAINT "pupils_left_at_check" CHECK (("pupils"."status" = 'left') = ("pupils"."left_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "retention_settings" DROP CONSTRAINT "retention_settings_class_check";--> statement-breakpoint
ALTER TABLE "pupil_accounts" ADD CONSTRAINT "pupil_accounts_pupil_id_pupils_id_fk" FOREIGN KEY ("pupil_id") REFERENCES "public"."pupils"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pupil_accounts" ADD CONSTRAINT "pupil_accounts_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pupil_import_runs" ADD CONSTRAINT "pupil_import_runs_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pupil_import_runs" ADD CONSTRAINT "pupil_import_runs_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pupils" ADD CONSTRAINT "pupils_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "pupil_accounts_site_kind_username_unique" ON "pupil_accounts" USING btree ("site_id","kind","username");--> statement-breakpoint
CREATE INDEX "pupil_accounts_pupil_idx" ON "pupil_accounts" USING btree ("pupil_id");--> statement-breakpoint
CREATE INDEX "pupil_import_runs_site_created_idx" ON "pupil_import_runs" USING btree ("site_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "pupils_site_mis_unique" ON "pupils" USING btree ("site_id","mis_id");--> statement-breakpoint
CREATE INDEX "pupils_status_left_idx" ON "pupils" USING btree ("status","left_at");--> statement-breakpoint
ALTER TABLE "retention_settings" ADD CONSTRAINT "retention_settings_class_check" CHECK ("retention_settings"."data_class" in ('activity', 'alerts', 'screenshots', 'false-positives', 'idle-lock-events', 'sessions', 'pupil-leavers'));