/**
 * Background housekeeping, off the request path: expired idempotency keys, and deletions older
 * than the changes retention, are removed in small batches (each a short statement that skips
 * rows a request holds), on a timer that never keeps the process alive nor runs twice at once.
 */
import { deleteExpiredIdempotencyKeys, purgeTombstones, type TaskDb } from '@todo/db';

import { KEY_LIFETIME_MS } from './tasks/service.js';

export interface MaintenanceOptions {
  db: TaskDb;
  /** How long an Idempotency-Key is remembered (default 24 hours). */
  keyLifetimeMs?: number | undefined;
  /** How long the changes feed remembers a deleted task (default 30 days). */
  changesRetentionMs?: number | undefined;
  /** Time between runs (default 5 minutes). */
  intervalMs?: number | undefined;
  /** Rows per statement (default 500). */
  batch?: number | undefined;
  /** A run that failed (the database away, say); the next run tries again. */
  onError?: ((error: unknown) => void) | undefined;
}

export interface MaintenanceReport {
  expiredKeys: number;
  /** Deletions the feed no longer remembers (a client behind them is told to reset). */
  forgottenDeletions: number;
}

const CHANGES_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/** Runs `step` until it handles fewer than `batch` rows; the total handled. */
async function inBatches(batch: number, step: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const handled = await step();
    total += handled;
    if (handled < batch) return total;
  }
}

export interface Maintenance {
  /** One run now (tests, and the timer). */
  runOnce(): Promise<MaintenanceReport>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

export function startMaintenance(options: MaintenanceOptions): Maintenance {
  const keyLifetimeMs = options.keyLifetimeMs ?? KEY_LIFETIME_MS;
  const retentionMs = options.changesRetentionMs ?? CHANGES_RETENTION_MS;
  const batch = options.batch ?? 500;
  let running: Promise<MaintenanceReport> | undefined;

  async function run(): Promise<MaintenanceReport> {
    const keysBefore = new Date(Date.now() - keyLifetimeMs);
    const deletionsBefore = new Date(Date.now() - retentionMs);
    return {
      expiredKeys: await inBatches(batch, () =>
        deleteExpiredIdempotencyKeys(options.db, keysBefore, batch),
      ),
      forgottenDeletions: await inBatches(batch, () =>
        purgeTombstones(options.db, deletionsBefore, batch),
      ),
    };
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
