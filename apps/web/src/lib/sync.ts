/**
 * The displayed list and how it stays true: read once, then kept up to date from one live
 * subscription (`tasks.onChange`), caught up from the changes feed (`tasks.changes`) after every
 * reconnect, and re-read on a reset. Writes are optimistic: the list shows the change at once,
 * the server is asked with `if_version`, and a refusal (412) shows the newer version instead.
 *
 * Every change carries the whole task, so applying one is idempotent: an upsert wins only over
 * an older version, and a deleted id stays deleted. That is what lets the list read, the
 * stream and the feed overlap without ordering between them.
 */
import {
  toContractError,
  type Change,
  type CreateTaskInput,
  type TodoClient,
  type Task,
  type UpdateTaskInput,
} from '@todo/client';

import { comparator, matches, type ListQuery } from './list-rules';

const PAGE_SIZE = 100;
const FEED_PAGE = 500;
/** Read the list without the stream when it has not connected by then (the API may be down). */
const READ_WITHOUT_STREAM_MS = 2_000;
const REOPEN_MIN_MS = 1_000;
const REOPEN_MAX_MS = 30_000;
/** A create that got no answer is sent again with the same idempotency key, this many times. */
const CREATE_ATTEMPTS = 3;

/**
 * A fresh idempotency key for one create draft. getRandomValues, not randomUUID: the latter
 * exists only on secure origins, and the app may be opened over plain http on a LAN address.
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export type LiveStatus = 'connecting' | 'live' | 'offline';

export interface ListView {
  tasks: readonly Task[];
  /** More tasks match than are shown (the next page is not read yet). */
  hasMore: boolean;
  loading: boolean;
  live: LiveStatus;
  /** Why the list could not be read, if it could not. */
  error: string | null;
  /** Grows with every change shown; what depends on the tasks (the tag list) re-reads on it. */
  revision: number;
}

export type NewTask = Omit<CreateTaskInput, 'user_id' | 'idempotency_key'>;
/** An edit: the whole form, sent as a PUT. */
export type TaskEdit = Omit<UpdateTaskInput, 'user_id' | 'id' | 'if_version'>;

export type WriteResult =
  | { ok: true; task: Task | null }
  /** Someone else changed it first: `current` is the newer version (null: it was deleted). */
  | { ok: false; conflict: true; current: Task | null; message: string }
  | { ok: false; conflict: false; message: string };

/** What the stream carries: a change, or word to drop the copy and read the list again. */
type StreamItem = Change | { op: 'reset'; cursor: string };

interface Subscription {
  unsubscribe(): void;
}

export interface TaskSyncOptions {
  /** Called when the API refused the token (the session may have ended). */
  onUnauthorized?: () => void;
}

const INITIAL_VIEW: ListView = {
  tasks: [],
  hasMore: false,
  loading: true,
  live: 'connecting',
  error: null,
  revision: 0,
};

export class TaskSync {
  private view: ListView = INITIAL_VIEW;
  private readonly listeners = new Set<() => void>();
  private query: ListQuery = {};
  /** Where the feed continues: the last change seen, from the stream or the feed. */
  private cursor: string | undefined;
  private readonly deleted = new Set<number>();
  /** Changes that arrived while the list was being read, applied once it is in. */
  private held: Change[] | undefined;
  /** Numbers each list read, so an answer to an older query is dropped. */
  private reads = 0;
  private listRead = false;
  private subscription: Subscription | undefined;
  private connected = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private reopenDelay = REOPEN_MIN_MS;
  private running = false;

  constructor(
    private readonly client: TodoClient,
    private readonly userId: string,
    private readonly options: TaskSyncOptions = {},
  ) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  readonly getSnapshot = (): ListView => this.view;

  /** Opens the live subscription and reads the list (setQuery's) once it is connected. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.open();
    this.timer = setTimeout(() => {
      if (!this.listRead) void this.reload();
    }, READ_WITHOUT_STREAM_MS);
  }

  stop(): void {
    this.running = false;
    this.reads++;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.connected = false;
    this.listRead = false;
    this.held = undefined;
    clearTimeout(this.timer);
  }

  /** Shows another filter or sort: the list is read again for it. */
  setQuery(query: ListQuery): void {
    this.query = query;
    if (this.running && this.listRead) void this.reload();
  }

  /** Reconnects now instead of after the back-off (the browser says it is online again). */
  reconnect(): void {
    if (!this.running || this.view.live === 'live') return;
    clearTimeout(this.timer);
    this.subscription?.unsubscribe();
    this.open();
  }

  /** Reads the next page of the list and appends it. */
  async loadMore(): Promise<void> {
    const last = this.view.tasks.at(-1);
    if (!this.view.hasMore || last === undefined) return;
    const read = this.reads;
    try {
      const page = await this.client.tasks.list.query({
        user_id: this.userId,
        ...this.query,
        limit: PAGE_SIZE,
        after: last.id,
      });
      if (read !== this.reads) return;
      const shown = new Set(this.view.tasks.map((task) => task.id));
      const fresh = page.filter((task) => !shown.has(task.id) && !this.deleted.has(task.id));
      this.update({ tasks: [...this.view.tasks, ...fresh], hasMore: page.length === PAGE_SIZE });
    } catch (error) {
      this.update({ error: this.describe(error) });
    }
  }

  /** Creates a task. `key` is the idempotency key of this draft: a retry never duplicates. */
  async create(task: NewTask, key: string): Promise<WriteResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        const created = await this.client.tasks.create.mutate({
          user_id: this.userId,
          ...task,
          idempotency_key: key,
        });
        this.place(created);
        return { ok: true, task: created };
      } catch (error) {
        // No answer, or the first attempt still running (409): the same key is safe to resend.
        const { code } = toContractError(error);
        const retryable = ['NETWORK_ERROR', 'SERVICE_UNAVAILABLE', 'CONFLICT'].includes(code);
        if (!retryable || attempt >= CREATE_ATTEMPTS) {
          return { ok: false, conflict: false, message: this.describe(error) };
        }
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  }

  /** Saves the edit form over `task`, only if nobody changed it since it was read. */
  save(task: Task, edit: TaskEdit): Promise<WriteResult> {
    return this.write(task, { ...task, ...edit }, () =>
      this.client.tasks.update.mutate({
        user_id: this.userId,
        id: task.id,
        ...edit,
        if_version: task.version,
      }),
    );
  }

  /** Completes or reopens. A recurring task moves to its next date: the server decides which. */
  toggle(task: Task): Promise<WriteResult> {
    const completed = !task.completed;
    const shown = task.recurrence !== null && completed ? task : { ...task, completed };
    return this.write(task, shown, () =>
      this.client.tasks.complete.mutate({
        user_id: this.userId,
        id: task.id,
        completed,
        if_version: task.version,
      }),
    );
  }

  remove(task: Task): Promise<WriteResult> {
    return this.write(task, null, async () => {
      await this.client.tasks.delete.mutate({
        user_id: this.userId,
        id: task.id,
        if_version: task.version,
      });
      return null;
    });
  }

  /** Shows `shown` (null: gone) at once, then the server's answer, or what refused it. */
  private async write(
    before: Task,
    shown: Task | null,
    send: () => Promise<Task | null>,
  ): Promise<WriteResult> {
    if (shown === null) this.removeShown(before.id);
    else this.place(shown, true);
    try {
      const saved = await send();
      if (saved === null) this.forget(before.id);
      else this.place(saved);
      return { ok: true, task: saved };
    } catch (error) {
      const { code } = toContractError(error);
      if (code === 'PRECONDITION_FAILED') {
        const current = await this.current(before.id);
        const message =
          current === null
            ? `“${before.title}” was deleted elsewhere; your change was not saved.`
            : `“${current.title}” was changed elsewhere (now version ${current.version}); your change was not saved and the newer version is shown.`;
        return { ok: false, conflict: true, current, message };
      }
      if (code === 'NOT_FOUND') {
        this.forget(before.id);
        return {
          ok: false,
          conflict: true,
          current: null,
          message: `“${before.title}” was deleted elsewhere.`,
        };
      }
      // Put back what was there, unless a newer version arrived meanwhile.
      const now = this.view.tasks.find((task) => task.id === before.id);
      if (now === undefined || now.version === before.version) this.place(before, true);
      return { ok: false, conflict: false, message: this.describe(error) };
    }
  }

  /** The task as the server has it now (null: deleted), shown in the list. */
  private async current(id: number): Promise<Task | null> {
    try {
      const task = await this.client.tasks.get.query({ user_id: this.userId, id });
      this.place(task, true);
      return task;
    } catch (error) {
      if (toContractError(error).code !== 'NOT_FOUND') throw error;
      this.forget(id);
      return null;
    }
  }

  private open(): void {
    this.connected = false;
    this.update({ live: 'connecting' });
    const subscription = this.client.tasks.onChange.subscribe(
      { user_id: this.userId },
      {
        onStarted: () => {
          this.reopenDelay = REOPEN_MIN_MS;
          this.update({ live: 'live' });
          const first = !this.connected;
          this.connected = true;
          // The stream is registered on the server before it starts: anything committed
          // from now on arrives on it, and the list read or the feed covers what came before.
          if (first && !this.listRead) void this.reload();
          else void this.catchUp();
        },
        onData: ({ id, data }) => {
          this.onStreamItem(id, data);
        },
        onConnectionStateChange: (state) => {
          if (state.state === 'connecting' && state.error !== null)
            this.update({ live: 'offline' });
        },
        onError: (error) => {
          if (toContractError(error).code === 'UNAUTHORIZED') this.options.onUnauthorized?.();
          this.reopenLater(subscription);
        },
        onStopped: () => {
          this.reopenLater(subscription);
        },
      },
    );
    this.subscription = subscription;
  }

  /** The subscription ended for good: open a new one after a growing pause. */
  private reopenLater(ended: Subscription): void {
    if (!this.running || this.subscription !== ended) return;
    this.subscription = undefined;
    this.update({ live: 'offline' });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.running) this.open();
    }, this.reopenDelay);
    this.reopenDelay = Math.min(this.reopenDelay * 2, REOPEN_MAX_MS);
  }

  private onStreamItem(id: string, item: StreamItem): void {
    if (item.op === 'reset') {
      // The cursor is taken before the list is read again: nothing after it is lost.
      this.cursor = item.cursor;
      void this.reload();
      return;
    }
    this.cursor = id;
    this.receive(item);
  }

  /** Everything since the cursor, from the feed; without one, the list read again. */
  private async catchUp(): Promise<void> {
    let since = this.cursor;
    if (since === undefined) {
      await this.reload();
      return;
    }
    try {
      for (;;) {
        const answer = await this.client.tasks.changes.query({
          user_id: this.userId,
          since,
          limit: FEED_PAGE,
        });
        if (answer.reset) {
          this.cursor = answer.cursor;
          await this.reload();
          return;
        }
        for (const change of answer.changes) this.receive(change);
        this.cursor = since = answer.cursor;
        if (!answer.has_more) return;
      }
    } catch (error) {
      this.update({ error: this.describe(error) });
    }
  }

  /** Reads the first page for the current query; changes arriving meanwhile wait for it. */
  private async reload(): Promise<void> {
    const read = ++this.reads;
    this.listRead = true;
    // A read still under way for an older query keeps what it held: the newest read applies it.
    this.held ??= [];
    this.update({ loading: true });
    try {
      const tasks = await this.client.tasks.list.query({
        user_id: this.userId,
        ...this.query,
        limit: PAGE_SIZE,
      });
      if (read !== this.reads) return;
      const held = this.held;
      this.held = undefined;
      this.update({
        tasks: tasks.filter((task) => !this.deleted.has(task.id)),
        hasMore: tasks.length === PAGE_SIZE,
        loading: false,
        error: null,
        revision: this.view.revision + 1,
      });
      for (const change of held) this.apply(change);
    } catch (error) {
      if (read !== this.reads) return;
      const held = this.held;
      this.held = undefined;
      this.update({ loading: false, error: this.describe(error) });
      for (const change of held ?? []) this.apply(change);
    }
  }

  private receive(change: Change): void {
    if (this.held) this.held.push(change);
    else this.apply(change);
  }

  private apply(change: Change): void {
    if (change.op === 'delete') this.forget(change.id);
    else if (!this.deleted.has(change.id)) this.place(change.task);
  }

  /**
   * Puts a task where the query places it, or takes it out if it no longer matches. An older
   * or equal version never replaces the shown one unless `force` (an optimistic write, or a
   * write undone).
   */
  private place(task: Task, force = false): void {
    const tasks = this.view.tasks;
    const shown = tasks.find((t) => t.id === task.id);
    if (shown && !force && task.version <= shown.version) return;
    const others = tasks.filter((t) => t.id !== task.id);
    const compare = comparator(this.query);
    const last = others.at(-1);
    // A task that sorts after the last shown one belongs to a page not read yet.
    const belongs =
      matches(task, this.query) &&
      !(this.view.hasMore && last !== undefined && compare(task, last) > 0);
    if (!belongs) {
      if (shown) this.update({ tasks: others, revision: this.view.revision + 1 });
      return;
    }
    const at = others.findIndex((t) => compare(task, t) < 0);
    const next =
      at === -1 ? [...others, task] : [...others.slice(0, at), task, ...others.slice(at)];
    this.update({ tasks: next, revision: this.view.revision + 1 });
  }

  private removeShown(id: number): void {
    if (!this.view.tasks.some((task) => task.id === id)) return;
    this.update({
      tasks: this.view.tasks.filter((task) => task.id !== id),
      revision: this.view.revision + 1,
    });
  }

  /** The task is gone for good: a late upsert of it is ignored. */
  private forget(id: number): void {
    this.deleted.add(id);
    this.removeShown(id);
  }

  private describe(error: unknown): string {
    const { code, message } = toContractError(error);
    if (code === 'UNAUTHORIZED') this.options.onUnauthorized?.();
    if (code === 'NETWORK_ERROR') return 'The server cannot be reached. Check your connection.';
    return message;
  }

  private update(change: Partial<ListView>): void {
    this.view = { ...this.view, ...change };
    for (const listener of this.listeners) listener();
  }
}
