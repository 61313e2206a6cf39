-- Custom migration: the audit log is append-only and the database enforces it, so a
-- bug or a compromised application account cannot rewrite history. Statement-level
-- triggers fire even when no row matches, so an UPDATE or DELETE is refused outright
-- rather than "succeeding" on zero rows; TRUNCATE only has statement triggers.
-- (A superuser or the table owner can still drop the trigger: in production run the
-- collector as a role that does not own audit_log; see collector/drizzle/README.md.)
CREATE FUNCTION vigil_audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
		USING ERRCODE = 'insufficient_privilege',
		      HINT = 'audit entries can only be inserted';
END
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_log_refuse_update_delete"
	BEFORE UPDATE OR DELETE ON "audit_log"
	FOR EACH STATEMENT EXECUTE FUNCTION vigil_audit_log_refuse_change();
--> statement-breakpoint
CREATE TRIGGER "audit_log_refuse_truncate"
	BEFORE TRUNCATE ON "audit_log"
	FOR EACH STATEMENT EXECUTE FUNCTION vigil_audit_log_refuse_change();
