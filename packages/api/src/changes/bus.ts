/**
 * The event bus: the task service publishes "user U reached change N" after each commit, and
 * the live streams of every process subscribe. A notice carries no data: a stream reads the
 * changes themselves from the database, which stays the one source of truth.
 */
import { EventEmitter } from 'node:events';

import { openChangeChannel } from '@todo/db';

export interface ChangeNotice {
  userId: string;
  seq: number;
}

export interface BusListener {
  onNotice(notice: ChangeNotice): void;
  /** Notices may have been lost (the bus reconnected): every stream must catch up now. */
  onResync(): void;
}

export interface EventBus {
  /** After the write committed. Never throws: a lost notice is caught up on the next one or a resync. */
  publish(notice: ChangeNotice): void;
  subscribe(listener: BusListener): () => void;
  close(): Promise<void>;
}

/** One process (PGlite, tests): notices go straight to this process's listeners. */
export function createInProcessBus(): EventBus {
  const emitter = new EventEmitter().setMaxListeners(0);
  return {
    publish(notice) {
      emitter.emit('notice', notice);
    },
    subscribe(listener) {
      const onNotice = (notice: ChangeNotice) => {
        listener.onNotice(notice);
      };
      emitter.on('notice', onNotice);
      return () => emitter.off('notice', onNotice);
    },
    close: () => Promise.resolve(),
  };
}

export interface PostgresBusOptions {
  /** A direct PostgreSQL URL (LISTEN does not work through a transaction pooler). */
  url: string;
  /** A NOTIFY that failed; its notice reaches other processes with the user's next change. */
  onError?: ((error: unknown) => void) | undefined;
}

/** Payloads stay well under PostgreSQL's 8,000-byte NOTIFY limit. */
const MAX_PAYLOAD = 7_000;

function parseNotices(payload: string): ChangeNotice[] {
  try {
    const pairs: unknown = JSON.parse(payload);
    if (!Array.isArray(pairs)) return [];
    return pairs.flatMap((pair): ChangeNotice[] =>
      Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'number'
        ? [{ userId: pair[0], seq: pair[1] }]
        : [],
    );
  } catch {
    return [];
  }
}

/**
 * Several processes on one PostgreSQL: LISTEN/NOTIFY on a dedicated connection. Notices
 * published in the same turn of the event loop go out as one NOTIFY (the highest change per
 * user is all a listener needs), so a burst of writes costs one statement, not one per write.
 * When the listen connection comes back after a drop, every subscriber resyncs.
 */
export async function createPostgresBus(options: PostgresBusOptions): Promise<EventBus> {
  const local = createInProcessBus();
  const listeners = new Set<BusListener>();
  let pending = new Map<string, number>();
  let flushing = false;

  const channel = await openChangeChannel(options.url, {
    onNotification(payload) {
      for (const notice of parseNotices(payload)) local.publish(notice);
    },
    onListen() {
      for (const listener of listeners) listener.onResync();
    },
  });

  function payloads(notices: Map<string, number>): string[] {
    const out: string[] = [];
    let batch: [string, number][] = [];
    for (const pair of notices) {
      const next = [...batch, pair];
      if (batch.length > 0 && JSON.stringify(next).length > MAX_PAYLOAD) {
        out.push(JSON.stringify(batch));
        batch = [pair];
      } else {
        batch = next;
      }
    }
    if (batch.length > 0) out.push(JSON.stringify(batch));
    return out;
  }

  function flush() {
    flushing = false;
    const notices = pending;
    pending = new Map();
    for (const payload of payloads(notices)) {
      channel.notify(payload).catch((error: unknown) => options.onError?.(error));
    }
  }

  return {
    publish(notice) {
      pending.set(notice.userId, Math.max(notice.seq, pending.get(notice.userId) ?? 0));
      if (!flushing) {
        flushing = true;
        setImmediate(flush);
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      const off = local.subscribe(listener);
      return () => {
        listeners.delete(listener);
        off();
      };
    },
    async close() {
      if (flushing) flush();
      await channel.close();
    },
  };
}
