CREATE TABLE "change_counters" (
	"user_id" text PRIMARY KEY NOT NULL,
	"last_seq" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "change_horizons" (
	"user_id" text PRIMARY KEY NOT NULL,
	"purged_seq" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "task_tombstones" (
	"user_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"task_id" integer NOT NULL,
	"deleted_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "task_tombstones_user_id_seq_pk" PRIMARY KEY("user_id","seq")
);
--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "seq" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "task_tombstones_deleted_idx" ON "task_tombstones" USING btree ("deleted_at");--> statement-breakpoint
CREATE INDEX "tasks_user_seq_idx" ON "tasks" USING btree ("user_id","seq");--> statement-breakpoint
-- Tasks written before change numbers existed get them now, per user in the order they last
-- changed, so a feed from the beginning finds them; each user's counter starts after them.
UPDATE "tasks" SET "seq" = "numbered"."n"
FROM (SELECT "id", row_number() OVER (PARTITION BY "user_id" ORDER BY "updated_at", "id") AS "n" FROM "tasks") AS "numbered"
WHERE "tasks"."id" = "numbered"."id";--> statement-breakpoint
INSERT INTO "change_counters" ("user_id", "last_seq") SELECT "user_id", max("seq") FROM "tasks" GROUP BY "user_id";
