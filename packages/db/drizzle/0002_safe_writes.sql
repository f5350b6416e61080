CREATE TABLE "idempotency_keys" (
	"user_id" text NOT NULL,
	"key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"task" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_user_id_key_pk" PRIMARY KEY("user_id","key")
);
--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
-- Claims an idempotency key for the rest of the transaction, or fails the whole statement with
-- SQLSTATE TD409 when another transaction holds it (a create with that key is still running).
CREATE FUNCTION todo_claim_idempotency_key(user_id text, key text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtextextended(user_id || chr(10) || key, 7311042118)) THEN
    RAISE EXCEPTION 'idempotency key in use' USING ERRCODE = 'TD409';
  END IF;
  RETURN true;
END
$$;
