/**
 * Live streams of a user's changes, for both transports (tRPC subscriptions and REST SSE).
 *
 * Streams of one user form a group. A notice from the bus ("user U reached change N") makes the
 * group read the feed once, from the lowest position among its streams, and hand each stream
 * what lies after its own position: the feed is compacted per task, so its tail after a later
 * position is exactly the compacted feed from there. A stream registers before it reads its
 * backlog, so nothing committed in between is missed; when the bus reconnects (notices may have
 * been lost), every group reads again.
 */
import { InvalidInputError, TooManyStreamsError } from '../errors.js';
import type { BusListener, EventBus } from './bus.js';
import type { Change, StreamEvent } from './contract.js';

/** What the streams read: the changes after a position, and where the user stands. */
export interface FeedPage {
  changes: Change[];
  hasMore: boolean;
  head: number;
  horizon: number;
}

export interface FeedReader {
  read(userId: string, since: number, limit: number): Promise<FeedPage>;
  /** The user's last change number. */
  head(userId: string): Promise<number>;
}

export interface ChangeStreamsOptions {
  bus: EventBus;
  feed: FeedReader;
  /** Open streams per user in this process (default 10). */
  streamsPerUser?: number | undefined;
  /** A read that failed (the database away); the group tries again shortly. */
  onError?: ((error: unknown) => void) | undefined;
}

export interface ChangeStream extends AsyncIterable<StreamEvent> {
  /** Ends the stream (its iterator finishes); idempotent. */
  close(): void;
}

export interface ChangeStreams {
  /**
   * Opens a stream of the user's changes after `after` (a resume point: the backlog first,
   * compacted), or, when undefined, of the changes made from now on. Throws TooManyStreamsError
   * over the limit, InvalidInputError for a position beyond the user's last change.
   */
  open(userId: string, after: number | undefined): Promise<ChangeStream>;
  /** How many streams are open now (for shutdown and tests). */
  readonly size: number;
  /** Whether the user may open one more stream now (the limit is checked again on open). */
  hasRoomFor(userId: string): boolean;
  /** Open streams allowed per user in this process. */
  readonly perUser: number;
  /** Ends every open stream at once (shutdown). */
  closeAll(): void;
  /** Stops listening to the bus and ends every stream. */
  close(): void;
}

/** A stream whose reader fell this far behind is ended: it reconnects and gets a compacted backlog. */
const MAX_QUEUED = 10_000;
const PAGE = 500;
const RETRY_MS = 1_000;

interface StreamState {
  userId: string;
  /** The last change number handed to this stream; undefined until it is positioned. */
  position: number | undefined;
  queue: StreamEvent[];
  wake: (() => void) | undefined;
  closed: boolean;
}

interface Group {
  streams: Set<StreamState>;
  reading: boolean;
  again: boolean;
  retry: NodeJS.Timeout | undefined;
}

export function createChangeStreams(options: ChangeStreamsOptions): ChangeStreams {
  const perUser = options.streamsPerUser ?? 10;
  const groups = new Map<string, Group>();
  let size = 0;

  function push(state: StreamState, event: StreamEvent): void {
    if (state.closed) return;
    if (state.queue.length >= MAX_QUEUED) {
      end(state);
      return;
    }
    state.queue.push(event);
    state.wake?.();
  }

  function end(state: StreamState): void {
    if (state.closed) return;
    state.closed = true;
    size--;
    const group = groups.get(state.userId);
    group?.streams.delete(state);
    if (group?.streams.size === 0) {
      clearTimeout(group.retry);
      groups.delete(state.userId);
    }
    state.wake?.();
  }

  /** Whether a notice came while the group was reading (set from another callback). */
  const askedAgain = (group: Group) => group.again;

  /** Reads the group's changes until every stream is current, then again if asked meanwhile. */
  async function read(userId: string, group: Group): Promise<void> {
    if (group.reading) {
      group.again = true;
      return;
    }
    group.reading = true;
    try {
      do {
        group.again = false;
        await catchUp(userId, group);
      } while (askedAgain(group) && groups.get(userId) === group);
    } catch (error) {
      options.onError?.(error);
      clearTimeout(group.retry);
      group.retry = setTimeout(() => void read(userId, group), RETRY_MS);
      group.retry.unref();
    } finally {
      group.reading = false;
    }
  }

  async function catchUp(userId: string, group: Group): Promise<void> {
    for (;;) {
      const positioned = [...group.streams].filter((s) => s.position !== undefined);
      if (positioned.length === 0) return;
      const from = Math.min(...positioned.map((s) => s.position ?? 0));
      const page = await options.feed.read(userId, from, PAGE);
      for (const state of positioned) {
        const position = state.position ?? 0;
        if (position < page.horizon) {
          // Deletions after this position have been forgotten: start over from the head.
          state.position = page.head;
          push(state, { kind: 'reset', cursor: String(page.head) });
          continue;
        }
        for (const change of page.changes) {
          if (change.seq > position) push(state, { kind: 'change', change });
        }
        const last = page.changes.at(-1)?.seq;
        if (last !== undefined && last > position) state.position = last;
      }
      if (!page.hasMore) return;
    }
  }

  const listener: BusListener = {
    onNotice(notice) {
      const group = groups.get(notice.userId);
      if (!group) return;
      const behind = [...group.streams].some(
        (s) => s.position !== undefined && s.position < notice.seq,
      );
      if (behind) void read(notice.userId, group);
    },
    onResync() {
      for (const [userId, group] of groups) void read(userId, group);
    },
  };
  const unsubscribe = options.bus.subscribe(listener);

  function iterate(state: StreamState): AsyncIterator<StreamEvent> {
    return {
      async next() {
        for (;;) {
          const event = state.queue.shift();
          if (event) return { value: event, done: false };
          if (state.closed) return { value: undefined, done: true };
          await new Promise<void>((resolve) => {
            state.wake = resolve;
          });
          state.wake = undefined;
        }
      },
      return() {
        end(state);
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  return {
    async open(userId, after) {
      const group = groups.get(userId) ?? {
        streams: new Set(),
        reading: false,
        again: false,
        retry: undefined,
      };
      if (group.streams.size >= perUser) throw new TooManyStreamsError(perUser);
      groups.set(userId, group);
      // Registered (not yet positioned) before anything is read: notices from now on count.
      const state: StreamState = {
        userId,
        position: undefined,
        queue: [],
        wake: undefined,
        closed: false,
      };
      group.streams.add(state);
      size++;
      try {
        const head = await options.feed.head(userId);
        if (after !== undefined && after > head) {
          throw new InvalidInputError([
            { path: ['since'], message: 'The resume point is not a change of yours' },
          ]);
        }
        state.position = after ?? head;
      } catch (error) {
        end(state);
        throw error;
      }
      void read(userId, group);
      return {
        [Symbol.asyncIterator]: () => iterate(state),
        close: () => {
          end(state);
        },
      };
    },
    get size() {
      return size;
    },
    hasRoomFor: (userId) => (groups.get(userId)?.streams.size ?? 0) < perUser,
    perUser,
    closeAll() {
      for (const group of [...groups.values()]) {
        for (const state of [...group.streams]) end(state);
      }
    },
    close() {
      unsubscribe();
      this.closeAll();
    },
  };
}
