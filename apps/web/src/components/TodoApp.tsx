'use client';

import type { TagCount, Task } from '@todo/client';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';

import { authClient, fetchApiToken } from '../auth/client';
import { createApiClient } from '../lib/api';
import { createTokenSource } from '../lib/token';
import type { ListQuery } from '../lib/list-rules';
import { TaskSync, type LiveStatus, type WriteResult } from '../lib/sync';
import { Filters } from './Filters';
import { TaskForm, type SubmitAttempt, type TaskValues } from './TaskForm';
import { TaskItem } from './TaskItem';

const TAGS_PAUSE_MS = 300;

const LIVE_TEXT: Record<LiveStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  offline: 'Offline: reconnecting…',
};

function goToSignIn(): void {
  window.location.assign('/sign-in');
}

interface Props {
  userId: string;
  email: string;
  /** The API's origin. */
  apiUrl: string;
}

/** The signed-in screen: new task, filters, the live list. */
export function TodoApp({ userId, email, apiUrl }: Props) {
  const [tokens] = useState(() =>
    createTokenSource(async () => {
      const token = await fetchApiToken();
      if (token === null) goToSignIn();
      return token;
    }),
  );
  const [client] = useState(() => createApiClient(apiUrl, tokens));
  const [sync] = useState(
    () =>
      new TaskSync(client, userId, {
        onUnauthorized: () => {
          tokens.clear();
        },
      }),
  );
  const view = useSyncExternalStore(sync.subscribe, sync.getSnapshot, sync.getSnapshot);
  const [query, setQuery] = useState<ListQuery>({ status: 'all', sort: 'created' });
  const [tags, setTags] = useState<TagCount[]>([]);
  const [editing, setEditing] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    sync.setQuery(query);
  }, [sync, query]);

  useEffect(() => {
    sync.start();
    const online = () => {
      sync.reconnect();
    };
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('online', online);
      sync.stop();
    };
  }, [sync]);

  // Tags and their counts follow the tasks: read again shortly after the list changes.
  useEffect(() => {
    const timer = setTimeout(() => {
      client.tags.list.query({ user_id: userId }).then(setTags, () => undefined);
    }, TAGS_PAUSE_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [client, userId, view.revision]);

  const report = (result: WriteResult) => {
    if (!result.ok) setNotice(result.message);
  };

  const create = (values: TaskValues, { key }: SubmitAttempt) => sync.create(values, key);

  const save = async (values: TaskValues, { base }: SubmitAttempt): Promise<WriteResult> => {
    if (!base) throw new Error('An edit needs the task it started from');
    return sync.save(base, values);
  };

  const toggle = async (task: Task) => {
    setNotice(null);
    const result = await sync.toggle(task);
    report(result);
    const moved = result.ok && result.task !== null && task.recurrence !== null && !task.completed;
    if (moved && result.task) {
      setNotice(
        result.task.completed
          ? `“${task.title}” is done: it has no more dates.`
          : `“${task.title}” repeats: next due ${result.task.due_date ?? ''}.`,
      );
    }
  };

  const remove = async (task: Task) => {
    setNotice(null);
    report(await sync.remove(task));
  };

  const changeQuery = useCallback((next: ListQuery) => {
    setQuery(next);
  }, []);

  const signOut = async () => {
    sync.stop();
    tokens.clear();
    await authClient.signOut();
    goToSignIn();
  };

  return (
    <div className="app">
      <header className="top">
        <h1>Tasks</h1>
        <p className={`live live-${view.live}`} role="status" aria-label="Live updates">
          {LIVE_TEXT[view.live]}
        </p>
        <p className="who">{email}</p>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main>
        <section aria-labelledby="new-task">
          <h2 id="new-task">New task</h2>
          <TaskForm onSubmit={create} />
        </section>
        <section aria-labelledby="list">
          <h2 id="list">Your tasks</h2>
          <Filters query={query} tags={tags} onChange={changeQuery} />
          <p className="notice" role="status" aria-live="polite">
            {notice}
          </p>
          {view.error !== null && (
            <p role="alert" className="error">
              {view.error}
            </p>
          )}
          {view.loading && view.tasks.length === 0 ? (
            <p>Loading…</p>
          ) : view.tasks.length === 0 ? (
            <p>No tasks here.</p>
          ) : (
            <ul className="tasks" aria-label="Tasks">
              {view.tasks.map((task) => (
                <TaskItem
                  key={task.id}
                  task={task}
                  editing={editing === task.id}
                  onToggle={(t) => void toggle(t)}
                  onDelete={(t) => void remove(t)}
                  onEdit={(t) => {
                    setEditing(t?.id ?? null);
                  }}
                  onSave={save}
                />
              ))}
            </ul>
          )}
          {view.hasMore && (
            <button type="button" onClick={() => void sync.loadMore()}>
              Show more
            </button>
          )}
        </section>
      </main>
    </div>
  );
}
