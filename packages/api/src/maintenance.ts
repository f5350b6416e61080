/**
 * Background housekeeping, off the request path: expired idempotency keys are deleted in small
 * batches (each a short statement that skips rows a request holds), on a timer that never keeps
 * the process alive and never runs twice at once.
 */
import { deleteExpiredIdempotencyKeys, type TaskDb } from '@todo/db';

import { KEY_LIFETIME_MS } from './tasks/service.js';

export interface MaintenanceOptions {
  db: TaskDb;
  /** How long an Idempotency-Key is remembered (default 24 hours). */
  keyLifetimeMs?: number | undefined;
  /** Time between runs (default 5 minutes). */
  intervalMs?: number | undefined;
  /** Rows per statement (default 500). */
  batch?: number | undefined;
  /** A run that failed (the database away, say); the next run tries again. */
  onError?: ((error: unknown) => void) | undefined;
}

export interface MaintenanceReport {
  expiredKeys: number;
}

export interface Maintenance {
  /** One run now (tests, and the timer). */
  runOnce(): Promise<MaintenanceReport>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

export function startMaintenance(options: MaintenanceOptions): Maintenance {
  const keyLifetimeMs = options.keyLifetimeMs ?? KEY_LIFETIME_MS;
  const batch = options.batch ?? 500;
  let running: Promise<MaintenanceReport> | undefined;

  async function run(): Promise<MaintenanceReport> {
    const before = new Date(Date.now() - keyLifetimeMs);
    let expiredKeys = 0;
    for (;;) {
      const deleted = await deleteExpiredIdempotencyKeys(options.db, before, batch);
      expiredKeys += deleted;
      if (deleted < batch) return { expiredKeys };
    }
  }

  function runOnce(): Promise<MaintenanceReport> {
    running ??= run().finally(() => {
      running = undefined;
    });
    return running;
  }

  const timer = setInterval(
    () => {
      runOnce().catch((error: unknown) => options.onError?.(error));
    },
    options.intervalMs ?? 5 * 60_000,
  );
  timer.unref();

  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
