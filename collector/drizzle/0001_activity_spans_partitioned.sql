-- Custom migration (drizzle-kit cannot emit partitioning). 0000 created activity_spans
-- as a plain table; nothing can have written to it yet, so it is re-created here as a
-- table PARTITIONED BY RANGE (started_at) with one partition per calendar month (UTC).
-- Every column, constraint and index keeps the name drizzle-kit gave it in 0000, so the
-- drizzle snapshot still describes the table and later generated ALTERs apply to it.
DROP TABLE "activity_spans";
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
	CONSTRAINT "activity_spans_order_check" CHECK ("activity_spans"."ended_at" >= "activity_spans"."started_at"),
	CONSTRAINT "activity_spans_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE restrict ON UPDATE no action
) PARTITION BY RANGE ("started_at");
--> statement-breakpoint
CREATE INDEX "activity_spans_device_started_idx" ON "activity_spans" USING btree ("device_id","started_at");
--> statement-breakpoint
-- Rows outside every monthly partition (an agent with a wildly wrong clock) land here
-- instead of failing ingest; vigil_ensure_month_partition moves them out when their
-- month's partition is created.
CREATE TABLE "activity_spans_default" PARTITION OF "activity_spans" DEFAULT;
--> statement-breakpoint
-- Creates the partition of `parent` for the UTC calendar month containing `month_of`,
-- named <parent>_pYYYYMM, if it does not exist yet, and returns its name. Safe to call
-- from several collectors at once (advisory lock) and on every start-up. Rows for that
-- month already sitting in <parent>_default are moved into the new partition.
CREATE FUNCTION vigil_ensure_month_partition(parent text, key_column text, month_of timestamptz)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	month_start timestamp := date_trunc('month', month_of AT TIME ZONE 'UTC');
	lower_bound timestamptz := month_start AT TIME ZONE 'UTC';
	upper_bound timestamptz := (month_start + interval '1 month') AT TIME ZONE 'UTC';
	part text := parent || '_p' || to_char(month_start, 'YYYYMM');
	default_part text := parent || '_default';
	has_stray_rows boolean := false;
BEGIN
	IF to_regclass(format('%I', part)) IS NOT NULL THEN
		RETURN part;
	END IF;
	PERFORM pg_advisory_xact_lock(hashtext('vigil_ensure_month_partition:' || part));
	IF to_regclass(format('%I', part)) IS NOT NULL THEN
		RETURN part;
	END IF;
	IF to_regclass(format('%I', default_part)) IS NOT NULL THEN
		EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I >= %L AND %I < %L)',
			default_part, key_column, lower_bound, key_column, upper_bound)
			INTO has_stray_rows;
	END IF;
	IF has_stray_rows THEN
		EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', parent, default_part);
		EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
			part, parent, lower_bound, upper_bound);
		EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= %L AND %I < %L RETURNING *) INSERT INTO %I SELECT * FROM moved',
			default_part, key_column, lower_bound, key_column, upper_bound, parent);
		EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I DEFAULT', parent, default_part);
	ELSE
		EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
			part, parent, lower_bound, upper_bound);
	END IF;
	RETURN part;
END
$$;
--> statement-breakpoint
-- The collector also calls this at every start-up for the current and coming months.
SELECT vigil_ensure_month_partition('activity_spans', 'started_at', now() + make_interval(months => m))
FROM generate_series(-1, 2) AS m;
