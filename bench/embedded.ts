/** The same server on PGlite (list and get only), for information. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createDatabase } from '@todo/db';
import { sql } from 'drizzle-orm';

import { runLoad } from './measure.js';
import { ROOT_DIR, SERVER_NODE_FLAGS, startProcess, stopProcess } from './processes.js';
import { requestsFor, SECRET } from './workloads.js';

export async function measureEmbedded(connections: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'todo-bench-pglite-'));
  try {
    const database = await createDatabase({ dataDir: dir });
    await database.migrate();
    await database.db.execute(sql`
      insert into tasks (user_id, title, created_at, updated_at)
      select 'u' || u, 'Task ' || t, timestamptz '2026-01-01' + (u * 50 + t) * interval '1 second', timestamptz '2026-01-01' + (u * 50 + t) * interval '1 second'
      from generate_series(0, 199) u, generate_series(0, 49) t order by u, t`);
    const rows = await database.db.execute(
      sql`select user_id, array_agg(id order by id) as ids from tasks group by user_id`,
    );
    const list: unknown[] = Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows;
    const ids = new Map(
      (list as { user_id: string; ids: number[] }[]).map((r) => [r.user_id, r.ids]),
    );
    await database.close();
    const server = await startProcess({
      name: 'server (PGlite)',
      // `pnpm start`'s own entry: nothing here reads a statement count.
      args: [...SERVER_NODE_FLAGS, join(ROOT_DIR, 'apps/server/dist/main.js')],
      env: {
        NODE_ENV: 'production',
        PGLITE_DIR: dir,
        BETTER_AUTH_SECRET: SECRET,
        LOG_LEVEL: 'warn',
        RATE_LIMIT_PER_MINUTE: '1000000',
      },
      port: 8203,
    });
    const lines = [
      '| workload | req/s | p50 ms | p99 ms | errors |',
      '| --- | ---: | ---: | ---: | ---: |',
    ];
    const data = { url: '', ids };
    try {
      for (const workload of ['list', 'get'] as const) {
        await runLoad(server.url, 2, connections, await requestsFor(workload, 'rest', data));
        const result = await runLoad(
          server.url,
          5,
          connections,
          await requestsFor(workload, 'rest', data),
        );
        lines.push(
          `| ${workload} (REST) | ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p99} | ${result.non2xx + result.errors} |`,
        );
      }
    } finally {
      await stopProcess(server);
    }
    return `${lines.join('\n')}\n\nPGlite is one connection in the server's own process: fine for development and small deployments, not a load target.`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
