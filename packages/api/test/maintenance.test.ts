/** The background cleanup, on whichever database the run is configured for. */
import { idempotencyKeys } from '@todo/db';
import { createTestDatabase, type TestDatabase } from '@todo/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startMaintenance } from '../src/maintenance.js';
import { createTaskService } from '../src/tasks/service.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.destroy();
});

describe('when idempotency keys are older than their lifetime', () => {
  it('then a run deletes every expired key, in batches, and keeps the fresh ones', async () => {
    const service = createTaskService(database.db);
    for (let i = 0; i < 7; i++) {
      await service.create('alice', { title: `t${i}` }, { key: `k${i}`, fingerprint: 'f' });
    }
    // Five of the seven were stored two days ago.
    await database.db
      .update(idempotencyKeys)
      .set({ created_at: sql`now() - interval '2 days'` })
      .where(sql`${idempotencyKeys.key} in ('k0', 'k1', 'k2', 'k3', 'k4')`);
    const maintenance = startMaintenance({ db: database.db, batch: 2, intervalMs: 60_000 });

    const report = await maintenance.runOnce();
    await maintenance.stop();

    const left = await database.db.select({ key: idempotencyKeys.key }).from(idempotencyKeys);
    expect(report).toEqual({ expiredKeys: 5, forgottenDeletions: 0 });
    expect(left.map((row) => row.key).sort()).toEqual(['k5', 'k6']);
  });
});
