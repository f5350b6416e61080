/**
 * A Server-Sent Events reader for tests: opens the stream with fetch (so the bearer header and
 * the status are seen just as a client sees them), parses events as they arrive, and waits for the
 * ones a test expects.
 */
export interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
  /** When it arrived (performance.now()). */
  at: number;
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** The body when the answer is not a stream (an error). */
  text: string;
  /** Every event so far (comments are not events). */
  events: SseEvent[];
  /** Comment lines so far (`: ping`). */
  comments: string[];
  /** Resolves once the server has ended the stream. */
  ended: Promise<void>;
  /** Resolves with the first event (from `from` on) that `match` accepts. */
  waitFor(match: (event: SseEvent) => boolean, from?: number, limitMs?: number): Promise<SseEvent>;
  close(): void;
}

export interface SseOptions {
  token?: string | null;
  headers?: Record<string, string>;
}

export async function openSse(url: string, options: SseOptions = {}): Promise<SseStream> {
  const controller = new AbortController();
  const headers: Record<string, string> = { Accept: 'text/event-stream', ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  const response = await fetch(url, { headers, signal: controller.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of waiters) waiter();
  };
  const isStream = response.headers.get('content-type')?.startsWith('text/event-stream') ?? false;
  let text = '';
  let ended: Promise<void> = Promise.resolve();
  if (!isStream) {
    text = await response.text();
  } else if (response.body) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    ended = (async () => {
      let buffer = '';
      let current: Partial<SseEvent> & { data?: string } = {};
      for (;;) {
        const chunk = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (chunk.done) break;
        buffer += chunk.value ?? '';
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, '');
          buffer = buffer.slice(newline + 1);
          if (line === '') {
            if (current.data !== undefined || current.event !== undefined) {
              events.push({
                id: current.id,
                event: current.event ?? 'message',
                data: current.data ?? '',
                at: performance.now(),
              });
              notify();
            }
            current = {};
          } else if (line.startsWith(':')) {
            comments.push(line.slice(1).trim());
            notify();
          } else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'data')
              current.data = current.data === undefined ? value : `${current.data}\n${value}`;
            else if (field === 'id') current.id = value;
            else if (field === 'event') current.event = value;
          }
        }
      }
      notify();
    })();
  }
  let done = false;
  void ended.then(() => {
    done = true;
    notify();
  });
  return {
    status: response.status,
    headers: response.headers,
    text,
    events,
    comments,
    ended,
    waitFor(match, from = 0, limitMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.slice(from).find(match);
          if (found) {
            cleanup();
            resolve(found);
          } else if (done) {
            cleanup();
            reject(new Error(`stream ended without the event; got ${JSON.stringify(events)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no such event within ${limitMs} ms; got ${JSON.stringify(events)}`));
        }, limitMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close() {
      controller.abort();
    },
  };
}
