CREATE TABLE "task_tags" (
	"task_id" integer NOT NULL,
	"tag" text NOT NULL,
	"user_id" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "task_tags_task_id_tag_pk" PRIMARY KEY("task_id","tag")
);
--> statement-breakpoint
ALTER TABLE "task_tags" ADD CONSTRAINT "task_tags_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "task_tags_user_tag_created_idx" ON "task_tags" USING btree ("user_id","tag","created_at","task_id");--> statement-breakpoint
-- task_tags follows tasks.tags in the statement that writes them: a task's rows are written when
-- it is inserted and rewritten when its tags (or owner, or created_at) change; they go with it on
-- DELETE (the foreign key). DISTINCT: the API merges duplicate tags, a raw INSERT might not.
CREATE FUNCTION todo_sync_task_tags() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM task_tags WHERE task_id = OLD.id;
  END IF;
  INSERT INTO task_tags (task_id, tag, user_id, created_at)
  SELECT DISTINCT NEW.id, tag, NEW.user_id, NEW.created_at FROM unnest(NEW.tags) AS tag;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER tasks_tags_insert AFTER INSERT ON tasks FOR EACH ROW
  WHEN (cardinality(NEW.tags) > 0)
  EXECUTE FUNCTION todo_sync_task_tags();--> statement-breakpoint
CREATE TRIGGER tasks_tags_update AFTER UPDATE OF tags, user_id, created_at ON tasks FOR EACH ROW
  WHEN (OLD.tags IS DISTINCT FROM NEW.tags OR OLD.user_id IS DISTINCT FROM NEW.user_id
        OR OLD.created_at IS DISTINCT FROM NEW.created_at)
  EXECUTE FUNCTION todo_sync_task_tags();--> statement-breakpoint
-- The tasks that exist before this migration.
INSERT INTO task_tags (task_id, tag, user_id, created_at)
SELECT DISTINCT tasks.id, tag, tasks.user_id, tasks.created_at FROM tasks, unnest(tasks.tags) AS tag;--> statement-breakpoint
-- Last: dropping the GIN index locks tasks against reads until the migration commits.
DROP INDEX "tasks_user_tags_idx";
