/**
 * The status each procedure answers with on success over REST, read from its meta (the one
 * place it is written): the adapter's responseMeta and the OpenAPI document both use this.
 */
import type { AnyProcedure } from '@trpc/server';

import { appRouter } from './root.js';
import type { ApiMeta } from './trpc.js';

// At runtime `_def.procedures` is flat, keyed by dotted path; its type is the nested record.
const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;
const metaOf = (procedure: AnyProcedure) => procedure._def.meta as ApiMeta | undefined;

const byPath = new Map<string, 201 | 204>();
for (const [path, procedure] of Object.entries(procedures)) {
  const meta = metaOf(procedure);
  if (meta?.successStatus !== undefined) byPath.set(path, meta.successStatus);
}

/** 201 or 204 for a procedure that does not answer 200 (`tasks.create`, `tasks.delete`). */
export function successStatusOf(path: string | undefined): 201 | 204 | undefined {
  return path === undefined ? undefined : byPath.get(path);
}

/** Every procedure with its success status, with its REST operation (`post /{user_id}/tasks`). */
export function successStatusesByOperation(): Map<
  string,
  { status: 201 | 204; description: string }
> {
  const operations = new Map<string, { status: 201 | 204; description: string }>();
  for (const procedure of Object.values(procedures)) {
    const meta = metaOf(procedure);
    if (meta?.successStatus === undefined || !meta.openapi) continue;
    operations.set(`${meta.openapi.method.toLowerCase()} ${meta.openapi.path}`, {
      status: meta.successStatus,
      description: meta.openapi.successDescription ?? 'Success',
    });
  }
  return operations;
}
