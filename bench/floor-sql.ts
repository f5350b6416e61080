/**
 * The SQL the floor sends: for each workload, the statement drizzle builds for the API's own
 * query (text and parameters in drizzle's order), copied here so the floor does the same database
 * work with nothing of the stack around it. test/floor-sql.test.ts captures what the db layer
 * sends for the same operations and fails when this copy no longer matches.
 */
import { createHash } from 'node:crypto';

type Param = string | number;

/** What a floor request names: its user and task, the values it writes, its preconditions. */
export interface FloorInput {
  user: string;
  id: number;
  title: string;
  /** The Idempotency-Key of a create. */
  key: string;
  /** The create's request body, as the server fingerprints it. */
  body: Readonly<Record<string, string>>;
  /** If-Match versions. */
  versions: readonly number[];
}

export interface FloorStatement {
  text: string;
  params(input: FloorInput): Param[];
}

const COLUMNS =
  '"id", "user_id", "title", "description", "completed", "priority", "due_date", "tags", "recurrence", "version", "seq", "created_at", "updated_at"';
const CHANGE_NUMBER =
  'insert into "change_counters" ("user_id", "last_seq") values ($1, $2) on conflict ("user_id") do update set "last_seq" = "change_counters"."last_seq" + 1 returning "last_seq"';
const NEXT_SEQ = '(select "change"."last_seq" from "change")';
const NEW_TASK = (user: string, title: string) =>
  `insert into "tasks" (${COLUMNS}) values (default, ${user}, ${title}, default, default, default, default, default, default, default, ${NEXT_SEQ}, default, default) returning ${COLUMNS}`;
const GUARDED = (completed: string) =>
  `("tasks"."recurrence" is null or ("tasks"."due_date" is not null and ("tasks"."completed" or not ${completed})))`;
/** An update's moving parts when `changed` says whether a value changed. */
const MOVES = (changed: string) =>
  `"version" = case when ${changed} then "tasks"."version" + 1 else "tasks"."version" end, "seq" = case when ${changed} then ${NEXT_SEQ} else "tasks"."seq" end, "updated_at" = case when ${changed} then greatest(now(), "tasks"."updated_at" + interval '1 millisecond') else "tasks"."updated_at" end`;
const RETURNING_CHANGED = `returning ${COLUMNS}, "seq" = ${NEXT_SEQ}`;
const titleChanged = (param: string) => `"tasks"."title" is distinct from ${param}::varchar(200)`;
const PATCH_TITLE = (conditional: boolean) =>
  `with "change" as (${CHANGE_NUMBER}) update "tasks" set "title" = $3::varchar(200), "version" = case when ${titleChanged('$4')} then "tasks"."version" + 1 else "tasks"."version" end, "seq" = case when ${titleChanged('$5')} then ${NEXT_SEQ} else "tasks"."seq" end, "updated_at" = case when ${titleChanged('$6')} then greatest(now(), "tasks"."updated_at" + interval '1 millisecond') else "tasks"."updated_at" end where (${NEXT_SEQ} is not null and ("tasks"."id" = $7 and "tasks"."user_id" = $8)${conditional ? ' and "tasks"."version" = any($9::int[])' : ''} and ${GUARDED('"tasks"."completed"')}) ${RETURNING_CHANGED}`;

/** As the server fingerprints a create (packages/api/src/conditions.ts): flat bodies only. */
function fingerprintOf(body: Readonly<Record<string, string>>): string {
  const canonical = `{${Object.keys(body)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${JSON.stringify(body[key])}`)
    .join(',')}}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

export const FLOOR_SQL = {
  list: {
    text: `select ${COLUMNS} from "tasks" where "tasks"."user_id" = $1 order by "tasks"."created_at" desc, "tasks"."id" desc limit $2`,
    params: ({ user }) => [user, 50],
  },
  get: {
    text: `select ${COLUMNS} from "tasks" where ("tasks"."id" = $1 and "tasks"."user_id" = $2) limit $3`,
    params: ({ user, id }) => [id, user, 1],
  },
  create: {
    text: `with "change" as (${CHANGE_NUMBER}) ${NEW_TASK('$3', '$4')}`,
    params: ({ user, title }) => [user, 1, user, title],
  },
  'create-key': {
    text: `with "change" as (insert into "change_counters" ("user_id", "last_seq") select $1::text, 1 where todo_claim_idempotency_key($2::text, $3::text) on conflict ("user_id") do update set "last_seq" = "change_counters"."last_seq" + 1 returning "last_seq"), "created" as (${NEW_TASK('$4', '$5')}), "saved" as (insert into "idempotency_keys" ("user_id", "key", "fingerprint", "task", "created_at") select $6::text as "user_id", $7::text as "key", $8::text as "fingerprint", to_jsonb(created) as "task", now() as "created_at" from "created" returning "key") select ${COLUMNS} from "created"`,
    params: ({ user, title, key, body }) => [
      user,
      user,
      key,
      user,
      title,
      user,
      key,
      fingerprintOf(body),
    ],
  },
  toggle: {
    text: `with "change" as (${CHANGE_NUMBER}) update "tasks" set "completed" = not "tasks"."completed", ${MOVES('true')} where (${NEXT_SEQ} is not null and ("tasks"."id" = $3 and "tasks"."user_id" = $4) and ${GUARDED('not "tasks"."completed"')}) ${RETURNING_CHANGED}`,
    params: ({ user, id }) => [user, 1, id, user],
  },
  patch: {
    text: PATCH_TITLE(false),
    params: ({ user, id, title }) => [user, 1, title, title, title, title, id, user],
  },
  'patch-if-match': {
    text: PATCH_TITLE(true),
    params: ({ user, id, title, versions }) => [
      user,
      1,
      title,
      title,
      title,
      title,
      id,
      user,
      `{${versions.join(',')}}`,
    ],
  },
} satisfies Record<string, FloorStatement>;

export type FloorOperation = keyof typeof FLOOR_SQL;
