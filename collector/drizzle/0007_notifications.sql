CREATE TABLE "notification_escalation" (
	"id" text PRIMARY KEY DEFAULT 'default' NOT NULL,
	"contact_user_id" text,
	"contact_email" text,
	"out_of_hours_min_severity" smallint,
	"unacted_min_severity" smallint,
	"unacted_minutes" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_escalation_single_row" CHECK ("notification_escalation"."id" = 'default')
);
--> statement-breakpoint
CREATE TABLE "notification_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"alert_id" text NOT NULL,
	"reason" text NOT NULL,
	"channel" text NOT NULL,
	"target" text NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"first_failed_at" timestamp with time zone,
	"last_attempt_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_outbox_reason_check" CHECK ("notification_outbox"."reason" in ('rule', 'out-of-hours', 'unacted')),
	CONSTRAINT "notification_outbox_channel_check" CHECK ("notification_outbox"."channel" in ('email', 'webhook')),
	CONSTRAINT "notification_outbox_state_check" CHECK ("notification_outbox"."state" in ('pending', 'sent', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "notification_routed" (
	"alert_id" text PRIMARY KEY NOT NULL,
	"routed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_rules" (
	"user_id" text PRIMARY KEY NOT NULL,
	"email_enabled" boolean DEFAULT false NOT NULL,
	"categories" text[] DEFAULT '{}'::text[] NOT NULL,
	"min_severity" smallint DEFAULT 4 NOT NULL,
	"address" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_rules_severity_check" CHECK ("notification_rules"."min_severity" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "school_hours" (
	"site_id" text PRIMARY KEY NOT NULL,
	"timezone" text NOT NULL,
	"weekdays" smallint[] NOT NULL,
	"start_minute" integer NOT NULL,
	"end_minute" integer NOT NULL,
	CONSTRAINT "school_hours_span_check" CHECK ("school_hours"."start_minute" >= 0 and "school_hours"."start_minute" < "school_hours"."end_minute" and "school_hours"."end_minute" <= 1440)
);
--> statement-breakpoint
CREATE TABLE "notification_smtp" (
	"id" text PRIMARY KEY DEFAULT 'default' NOT NULL,
	"host" text NOT NULL,
	"port" integer NOT NULL,
	"security" text NOT NULL,
	"username" text,
	"password_sealed" text,
	"from_address" text NOT NULL,
	"ca_certificate" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	CONSTRAINT "notification_smtp_single_row" CHECK ("notification_smtp"."id" = 'default'),
	CONSTRAINT "notification_smtp_security_check" CHECK ("notification_smtp"."security" in ('starttls', 'tls'))
);
--> statement-breakpoint
CREATE TABLE "notification_webhooks" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"url_sealed" text NOT NULL,
	"url_hint" text NOT NULL,
	"secret_sealed" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"min_severity" smallint DEFAULT 4 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_webhooks_kind_check" CHECK ("notification_webhooks"."kind" in ('teams', 'slack', 'generic')),
	CONSTRAINT "notification_webhooks_severity_check" CHECK ("notification_webhooks"."min_severity" between 1 and 5)
);
--> statement-breakpoint
ALTER TABLE "notification_escalation" ADD CONSTRAINT "notification_escalation_contact_user_id_users_id_fk" FOREIGN KEY ("contact_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_outbox" ADD CONSTRAINT "notification_outbox_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_routed" ADD CONSTRAINT "notification_routed_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_rules" ADD CONSTRAINT "notification_rules_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "school_hours" ADD CONSTRAINT "school_hours_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_smtp" ADD CONSTRAINT "notification_smtp_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notification_outbox_once" ON "notification_outbox" USING btree ("alert_id","reason","channel","target");--> statement-breakpoint
CREATE INDEX "notification_outbox_due_idx" ON "notification_outbox" USING btree ("state","next_attempt_at");--> statement-breakpoint
CREATE INDEX "notification_outbox_created_idx" ON "notification_outbox" USING btree ("created_at");