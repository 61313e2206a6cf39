CREATE TABLE "report_schedules" (
	"id" text PRIMARY KEY NOT NULL,
	"site_id" text,
	"recipients" text[] NOT NULL,
	"frequency" text NOT NULL,
	"threshold" integer DEFAULT 5 NOT NULL,
	"next_run_at" timestamp with time zone NOT NULL,
	"last_run_at" timestamp with time zone,
	"last_error" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_schedules_frequency_check" CHECK ("report_schedules"."frequency" in ('monthly', 'termly')),
	CONSTRAINT "report_schedules_threshold_check" CHECK ("report_schedules"."threshold" between 5 and 50),
	CONSTRAINT "report_schedules_recipients_check" CHECK (cardinality("report_schedules"."recipients") between 1 and 20)
);
--> statement-breakpoint
ALTER TABLE "report_schedules" ADD CONSTRAINT "report_schedules_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_schedules" ADD CONSTRAINT "report_schedules_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "report_schedules_next_run_idx" ON "report_schedules" USING btree ("next_run_at");