/**
 * PostgreSQL LISTEN/NOTIFY for change notices between server processes. One dedicated
 * connection listens (it must be a direct one: LISTEN does not work through PgBouncer's or
 * Neon's transaction pooling); NOTIFY is delivered at commit, to every listener.
 */
import postgres from 'postgres';

import { toPostgresJsUrl } from './connection-url.js';
import { reconnectBackoff } from './client.js';

/** Lower-case: PGlite sends LISTEN unquoted, and one name should work everywhere. */
const CHANNEL = 'todo_changes';

export interface ChangeChannelHandlers {
  /** A NOTIFY's payload. */
  onNotification(payload: string): void;
  /**
   * The listen connection is (again) listening: after a reconnect, notifications sent while it
   * was down are lost, so whoever relies on them must catch up now.
   */
  onListen(): void;
}

export interface ChangeChannel {
  notify(payload: string): Promise<void>;
  close(): Promise<void>;
}

/** The name this process's listen connection has in pg_stat_activity (operators, tests). */
export const listenConnectionName = (pid: number = process.pid) => `todo-listen-${pid}`;

export async function openChangeChannel(
  url: string,
  handlers: ChangeChannelHandlers,
): Promise<ChangeChannel> {
  const sql = postgres(toPostgresJsUrl(url), {
    connection: { application_name: listenConnectionName() },
    // One connection for LISTEN, one for NOTIFY.
    max: 2,
    backoff: reconnectBackoff,
    connect_timeout: 5,
    onnotice: () => undefined,
  });
  await sql.listen(
    CHANNEL,
    (payload) => {
      handlers.onNotification(payload);
    },
    () => {
      handlers.onListen();
    },
  );
  return {
    notify: async (payload) => {
      await sql.notify(CHANNEL, payload);
    },
    close: () => sql.end({ timeout: 2 }),
  };
}
