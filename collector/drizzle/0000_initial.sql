CREATE TABLE "rooms" (
	"id" text PRIMARY KEY NOT NULL,
	"site_id" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rooms_site_name_unique" UNIQUE("site_id","name")
);
--> statement-breakpoint
CREATE TABLE "sites" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sites_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"mfa_verified_at" timestamp with time zone,
	"ip" text,
	"user_agent" text,
	"csrf_token" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_rooms" (
	"user_id" text NOT NULL,
	"room_id" text NOT NULL,
	CONSTRAINT "user_rooms_user_id_room_id_pk" PRIMARY KEY("user_id","room_id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"email" text,
	"display_name" text NOT NULL,
	"password_hash" text,
	"role" text NOT NULL,
	"site_id" text,
	"totp_secret_encrypted" text,
	"totp_enabled_at" timestamp with time zone,
	"oidc_issuer" text,
	"oidc_subject" text,
	"failed_login_attempts" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"disabled" boolean DEFAULT false NOT NULL,
	"last_login_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_oidc_unique" UNIQUE("oidc_issuer","oidc_subject"),
	CONSTRAINT "users_role_check" CHECK ("users"."role" in ('teacher', 'technician', 'dsl', 'admin', 'viewer'))
);
--> statement-breakpoint
CREATE TABLE "device_locks" (
	"device_id" text PRIMARY KEY NOT NULL,
	"locked" boolean NOT NULL,
	"lock_id" text NOT NULL,
	"message" text,
	"until" timestamp with time zone,
	"by_user_id" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "devices" (
	"id" text PRIMARY KEY NOT NULL,
	"site_id" text NOT NULL,
	"room_id" text,
	"hostname" text NOT NULL,
	"os" text NOT NULL,
	"os_version" text,
	"agent_version" text,
	"capabilities" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"secret_hash" text NOT NULL,
	"enrolled_at" timestamp with time zone DEFAULT now() NOT NULL,
	"enrolment_token_id" text,
	"status" text DEFAULT 'offline' NOT NULL,
	"last_seen_at" timestamp with time zone,
	"last_os_user" text,
	"previous_exit" text,
	"wordlist_version" text,
	"retired" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "devices_status_check" CHECK ("devices"."status" in ('online', 'offline', 'silent')),
	CONSTRAINT "devices_previous_exit_check" CHECK ("devices"."previous_exit" in ('bye', 'silent'))
);
--> statement-breakpoint
CREATE TABLE "enrolment_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"site_id" text NOT NULL,
	"room_id" text,
	"label" text,
	"expires_at" timestamp with time zone NOT NULL,
	"uses_left" integer NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "enrolment_tokens_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "enrolment_tokens_uses_left_check" CHECK ("enrolment_tokens"."uses_left" >= 0)
);
--> statement-breakpoint
CREATE TABLE "alert_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"alert_id" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_user_id" text,
	"actor_label" text NOT NULL,
	"kind" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"note" text,
	CONSTRAINT "alert_events_kind_check" CHECK ("alert_events"."kind" in ('status', 'note', 'assign', 'export'))
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" text PRIMARY KEY NOT NULL,
	"device_id" text NOT NULL,
	"site_id" text NOT NULL,
	"room_id" text,
	"os_user" text,
	"ts" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"source" text NOT NULL,
	"term" text NOT NULL,
	"category" text NOT NULL,
	"severity" smallint NOT NULL,
	"context" text,
	"window_title" text,
	"app" text,
	"url" text,
	"screenshot_sha256" text,
	"status" text DEFAULT 'new' NOT NULL,
	"assignee_id" text,
	"status_changed_at" timestamp with time zone,
	"legal_hold" boolean DEFAULT false NOT NULL,
	CONSTRAINT "alerts_source_check" CHECK ("alerts"."source" in ('typed', 'title', 'url')),
	CONSTRAINT "alerts_status_check" CHECK ("alerts"."status" in ('new', 'in-review', 'escalated', 'dismissed', 'resolved')),
	CONSTRAINT "alerts_severity_check" CHECK ("alerts"."severity" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "screenshots" (
	"sha256" text PRIMARY KEY NOT NULL,
	"bytes" integer NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"mime" text NOT NULL,
	"device_id" text,
	"stored_at" timestamp with time zone DEFAULT now() NOT NULL,
	"legal_hold" boolean DEFAULT false NOT NULL,
	CONSTRAINT "screenshots_sha256_check" CHECK ("screenshots"."sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "screenshots_size_check" CHECK ("screenshots"."bytes" >= 0 and "screenshots"."width" > 0 and "screenshots"."height" > 0),
	CONSTRAINT "screenshots_mime_check" CHECK ("screenshots"."mime" in ('image/jpeg', 'image/png', 'image/webp'))
);
--> statement-breakpoint
CREATE TABLE "activity_spans" (
	"id" text NOT NULL,
	"device_id" text NOT NULL,
	"os_user" text,
	"app" text NOT NULL,
	"title" text,
	"url" text,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "activity_spans_pkey" PRIMARY KEY("id","started_at"),
	CONSTRAINT "activity_spans_order_check" CHECK ("activity_spans"."ended_at" >= "activity_spans"."started_at")
);
--> statement-breakpoint
CREATE TABLE "idle_lock_events" (
	"id" text PRIMARY KEY NOT NULL,
	"device_id" text NOT NULL,
	"os_user" text,
	"kind" text NOT NULL,
	"cause" text,
	"at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idle_lock_events_kind_check" CHECK ("idle_lock_events"."kind" in ('idle', 'active', 'locked', 'unlocked'))
);
--> statement-breakpoint
CREATE TABLE "policies" (
	"id" text PRIMARY KEY NOT NULL,
	"scope" text NOT NULL,
	"scope_id" text NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	CONSTRAINT "policies_scope_unique" UNIQUE("scope","scope_id"),
	CONSTRAINT "policies_scope_check" CHECK ("policies"."scope" in ('site', 'room', 'device'))
);
--> statement-breakpoint
CREATE TABLE "allowlist_entries" (
	"id" text PRIMARY KEY NOT NULL,
	"site_id" text,
	"term" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"note" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "allowlist_entries_term_unique" UNIQUE NULLS NOT DISTINCT("site_id","term")
);
--> statement-breakpoint
CREATE TABLE "wordlist_entries" (
	"id" text PRIMARY KEY NOT NULL,
	"site_id" text,
	"term" text NOT NULL,
	"category" text NOT NULL,
	"severity" smallint NOT NULL,
	"match" text DEFAULT 'word' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"note" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wordlist_entries_term_unique" UNIQUE NULLS NOT DISTINCT("site_id","term","category"),
	CONSTRAINT "wordlist_entries_match_check" CHECK ("wordlist_entries"."match" in ('word', 'phrase', 'substring')),
	CONSTRAINT "wordlist_entries_severity_check" CHECK ("wordlist_entries"."severity" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_user_id" text,
	"actor_label" text NOT NULL,
	"action" text NOT NULL,
	"target_type" text,
	"target_id" text,
	"detail" jsonb,
	"ip" "inet"
);
--> statement-breakpoint
CREATE TABLE "retention_settings" (
	"data_class" text PRIMARY KEY NOT NULL,
	"days" integer NOT NULL,
	"legal_hold" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	CONSTRAINT "retention_settings_class_check" CHECK ("retention_settings"."data_class" in ('activity', 'alerts', 'screenshots', 'false-positives', 'idle-lock-events', 'sessions')),
	CONSTRAINT "retention_settings_days_check" CHECK ("retention_settings"."days" > 0)
);
--> statement-breakpoint
ALTER TABLE "rooms" ADD CONSTRAINT "rooms_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_rooms" ADD CONSTRAINT "user_rooms_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_rooms" ADD CONSTRAINT "user_rooms_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_locks" ADD CONSTRAINT "device_locks_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_locks" ADD CONSTRAINT "device_locks_by_user_id_users_id_fk" FOREIGN KEY ("by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_enrolment_token_id_enrolment_tokens_id_fk" FOREIGN KEY ("enrolment_token_id") REFERENCES "public"."enrolment_tokens"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolment_tokens" ADD CONSTRAINT "enrolment_tokens_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolment_tokens" ADD CONSTRAINT "enrolment_tokens_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolment_tokens" ADD CONSTRAINT "enrolment_tokens_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "screenshots" ADD CONSTRAINT "screenshots_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_spans" ADD CONSTRAINT "activity_spans_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idle_lock_events" ADD CONSTRAINT "idle_lock_events_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allowlist_entries" ADD CONSTRAINT "allowlist_entries_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allowlist_entries" ADD CONSTRAINT "allowlist_entries_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wordlist_entries" ADD CONSTRAINT "wordlist_entries_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wordlist_entries" ADD CONSTRAINT "wordlist_entries_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retention_settings" ADD CONSTRAINT "retention_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rooms_site_idx" ON "rooms" USING btree ("site_id");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "sessions_expires_idx" ON "sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "user_rooms_room_idx" ON "user_rooms" USING btree ("room_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_username_lower_unique" ON "users" USING btree (lower("username"));--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_lower_unique" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "devices_room_idx" ON "devices" USING btree ("room_id");--> statement-breakpoint
CREATE INDEX "devices_site_idx" ON "devices" USING btree ("site_id");--> statement-breakpoint
CREATE INDEX "devices_status_seen_idx" ON "devices" USING btree ("status","last_seen_at");--> statement-breakpoint
CREATE INDEX "devices_hostname_lower_idx" ON "devices" USING btree (lower("hostname"));--> statement-breakpoint
CREATE INDEX "alert_events_alert_at_idx" ON "alert_events" USING btree ("alert_id","at");--> statement-breakpoint
CREATE INDEX "alerts_triage_idx" ON "alerts" USING btree ("status","severity" DESC NULLS FIRST,"ts" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "alerts_device_ts_idx" ON "alerts" USING btree ("device_id","ts" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "alerts_site_ts_idx" ON "alerts" USING btree ("site_id","ts" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "alerts_room_ts_idx" ON "alerts" USING btree ("room_id","ts" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "alerts_category_ts_idx" ON "alerts" USING btree ("category","ts");--> statement-breakpoint
CREATE INDEX "alerts_ts_idx" ON "alerts" USING btree ("ts");--> statement-breakpoint
CREATE INDEX "alerts_screenshot_idx" ON "alerts" USING btree ("screenshot_sha256");--> statement-breakpoint
CREATE INDEX "screenshots_stored_at_idx" ON "screenshots" USING btree ("stored_at");--> statement-breakpoint
CREATE INDEX "activity_spans_device_started_idx" ON "activity_spans" USING btree ("device_id","started_at");--> statement-breakpoint
CREATE INDEX "idle_lock_events_device_at_idx" ON "idle_lock_events" USING btree ("device_id","at");--> statement-breakpoint
CREATE INDEX "idle_lock_events_at_idx" ON "idle_lock_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "policies_scope_id_idx" ON "policies" USING btree ("scope_id");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_actor_at_idx" ON "audit_log" USING btree ("actor_user_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_target_idx" ON "audit_log" USING btree ("target_type","target_id");