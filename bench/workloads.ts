/**
 * What each workload sends, over REST (the floor serves the REST paths) and over tRPC, as
 * autocannon requests built per request: spread over the token users and their tasks.
 *
 * `patch-if-match` must send the version each task has *now*: every run starts from the versions
 * in the database, no two requests in flight ever write the same task (a task is taken while its
 * request is out), and each answer's `version` becomes the task's next If-Match. A run writes
 * only one slice of the users: the requests a finished run left in flight touch other tasks.
 */
import { randomBytes } from 'node:crypto';

import type autocannon from 'autocannon';
import jwt from 'jsonwebtoken';
import postgres from 'postgres';

export const MAIN_WORKLOADS = ['list', 'get', 'create', 'toggle'] as const;
export const WORKLOADS = [...MAIN_WORKLOADS, 'create-key', 'patch', 'patch-if-match'] as const;
export type Workload = (typeof WORKLOADS)[number];
export type Surface = 'floor' | 'rest' | 'trpc';

export const SECRET = 'bench-secret-that-is-at-least-thirty-two-bytes';
export const TOKEN_USERS = Array.from({ length: 200 }, (_, i) => `u${i}`);
/** Slices of the token users the PATCH workloads take in turn, one per run. */
const SLICES = 4;

export const tokenFor = (user: string) =>
  jwt.sign({ sub: user, exp: Math.floor(Date.now() / 1000) + 3600 }, SECRET, {
    algorithm: 'HS256',
  });
const tokens = new Map(TOKEN_USERS.map((user) => [user, tokenFor(user)]));

/** The dataset as the workloads see it: the database, and each token user's task ids. */
export interface BenchData {
  url: string;
  ids: Map<string, number[]>;
}

type Requests = Pick<autocannon.Request, 'setupRequest' | 'onResponse'>;

interface Target {
  user: string;
  id: number;
}

const input = (value: object) => encodeURIComponent(JSON.stringify(value));
const json = (headers: Record<string, string>) => ({
  ...headers,
  'content-type': 'application/json',
});

/** The request of one workload to one task of one user. */
function request(
  workload: Workload,
  surface: Surface,
  target: Target,
  extra: { key: string; title: string; version: number },
): autocannon.Request {
  const { user, id } = target;
  const headers: Record<string, string> = { authorization: `Bearer ${tokens.get(user) ?? ''}` };
  const trpc = surface === 'trpc';
  switch (workload) {
    case 'list':
      return {
        method: 'GET',
        headers,
        path: trpc
          ? `/trpc/tasks.list?input=${input({ user_id: user, limit: 50 })}`
          : `/api/${user}/tasks?limit=50`,
      };
    case 'get':
      return {
        method: 'GET',
        headers,
        path: trpc
          ? `/trpc/tasks.get?input=${input({ user_id: user, id })}`
          : `/api/${user}/tasks/${id}`,
      };
    case 'create':
    case 'create-key': {
      const keyed = workload === 'create-key';
      return {
        method: 'POST',
        headers: json(keyed && !trpc ? { ...headers, 'idempotency-key': extra.key } : headers),
        path: trpc ? '/trpc/tasks.create' : `/api/${user}/tasks`,
        body: JSON.stringify(
          trpc
            ? {
                user_id: user,
                title: 'Benchmark task',
                ...(keyed ? { idempotency_key: extra.key } : {}),
              }
            : { title: 'Benchmark task' },
        ),
      };
    }
    case 'toggle':
      // The adapter alone (a stack-alone row) needs a JSON body on a PATCH; `{}` toggles.
      return trpc
        ? {
            method: 'POST',
            headers: json(headers),
            path: '/trpc/tasks.complete',
            body: JSON.stringify({ user_id: user, id }),
          }
        : {
            method: 'PATCH',
            headers: json(headers),
            path: `/api/${user}/tasks/${id}/complete`,
            body: '{}',
          };
    case 'patch':
    case 'patch-if-match': {
      const conditional = workload === 'patch-if-match';
      return trpc
        ? {
            method: 'POST',
            headers: json(headers),
            path: '/trpc/tasks.patch',
            body: JSON.stringify({
              user_id: user,
              id,
              title: extra.title,
              ...(conditional ? { if_version: extra.version } : {}),
            }),
          }
        : {
            method: 'PATCH',
            headers: json(conditional ? { ...headers, 'if-match': `"${extra.version}"` } : headers),
            path: `/api/${user}/tasks/${id}`,
            body: JSON.stringify({ title: extra.title }),
          };
    }
  }
}

/** Every task of the given users, in a fixed interleaved order (user by user, then task). */
function targetsOf(users: readonly string[], ids: Map<string, number[]>): Target[] {
  const longest = Math.max(...users.map((user) => ids.get(user)?.length ?? 0));
  const out: Target[] = [];
  for (let i = 0; i < longest; i++) {
    for (const user of users) {
      const id = ids.get(user)?.[i];
      if (id !== undefined) out.push({ user, id });
    }
  }
  return out;
}

const keyOf = (target: Target) => `${target.user}/${target.id}`;

/** The current version of every task of the given users. */
async function versionsOf(url: string, users: readonly string[]): Promise<Map<string, number>> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    const rows = await sql<{ user_id: string; id: number; version: number }[]>`
      select user_id, id, version from tasks where user_id in ${sql(users)}`;
    return new Map(rows.map((row) => [keyOf({ user: row.user_id, id: row.id }), row.version]));
  } finally {
    await sql.end();
  }
}

const VERSION = /"version":(\d+)/;
let runs = 0;

/** The requests of one run of `workload` against `surface` (read from the database first). */
export async function requestsFor(
  workload: Workload,
  surface: Surface,
  data: BenchData,
): Promise<Requests> {
  const writesTasks = workload === 'patch' || workload === 'patch-if-match';
  const slice = runs++ % SLICES;
  const users = writesTasks ? TOKEN_USERS.filter((_, i) => i % SLICES === slice) : TOKEN_USERS;
  const targets = targetsOf(users, data.ids);
  const run = randomBytes(6).toString('hex');
  let counter = 0;
  // Both unique across runs: every key is fresh, and every rename changes the title.
  const extra = () => ({
    key: `bench-${run}-${counter}`,
    title: `Renamed ${run}-${counter}`,
    version: 0,
  });

  if (workload !== 'patch-if-match') {
    return {
      setupRequest: (base) => {
        const target = targets[counter % targets.length] ?? { user: 'u0', id: 1 };
        const built = request(workload, surface, target, extra());
        counter++;
        return { ...base, ...built };
      },
    };
  }

  const versions = await versionsOf(data.url, users);
  const inFlight = new Set<string>();
  /** The task each request in flight writes, by autocannon's per-request context. */
  const writing = new WeakMap<object, string>();
  return {
    setupRequest: (base, context) => {
      let target = targets[counter % targets.length];
      for (let tries = 0; target && inFlight.has(keyOf(target)) && tries < targets.length; tries++)
        target = targets[++counter % targets.length];
      if (!target || inFlight.has(keyOf(target))) throw new Error('no task free to patch');
      const key = keyOf(target);
      inFlight.add(key);
      writing.set(context, key);
      const built = request(workload, surface, target, {
        ...extra(),
        version: versions.get(key) ?? 1,
      });
      counter++;
      return { ...base, ...built };
    },
    onResponse: (status, body, context) => {
      const key = writing.get(context);
      if (key === undefined) return;
      inFlight.delete(key);
      const version = VERSION.exec(body)?.[1];
      if (status < 300 && version !== undefined) versions.set(key, Number(version));
    },
  };
}
