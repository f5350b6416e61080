/**
 * What a procedure's meta says about its REST answer (the one place it is written): the status
 * of a success when it is not 200, and whether the answer is one task (so it carries an ETag).
 * The adapter's responseMeta and the OpenAPI document both read it here.
 */
import type { AnyProcedure } from '@trpc/server';

import { appRouter } from './root.js';
import type { ApiMeta } from './trpc.js';

export interface RestMeta {
  successStatus: 200 | 201 | 204;
  successDescription: string;
  etag: boolean;
  conditional: boolean;
  idempotent: boolean;
}

const DEFAULT: RestMeta = {
  successStatus: 200,
  successDescription: 'Success',
  etag: false,
  conditional: false,
  idempotent: false,
};

// At runtime `_def.procedures` is flat, keyed by dotted path; its type is the nested record.
const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;

function restMeta(meta: ApiMeta | undefined): RestMeta {
  return {
    successStatus: meta?.successStatus ?? 200,
    successDescription: meta?.openapi?.successDescription ?? DEFAULT.successDescription,
    etag: meta?.etag === true,
    conditional: meta?.conditional === true,
    idempotent: meta?.idempotent === true,
  };
}

const byPath = new Map(
  Object.entries(procedures).map(([path, procedure]) => [
    path,
    restMeta(procedure._def.meta as ApiMeta | undefined),
  ]),
);

/** The REST facts of the procedure at `path` (`tasks.create`). */
export function restMetaOf(path: string | undefined): RestMeta {
  return (path === undefined ? undefined : byPath.get(path)) ?? DEFAULT;
}

/** Each REST operation (`post /{user_id}/tasks`) with the REST facts of its procedure. */
export function restMetaByOperation(): Map<string, RestMeta> {
  const operations = new Map<string, RestMeta>();
  for (const procedure of Object.values(procedures)) {
    const meta = procedure._def.meta as ApiMeta | undefined;
    if (!meta?.openapi) continue;
    operations.set(`${meta.openapi.method.toLowerCase()} ${meta.openapi.path}`, restMeta(meta));
  }
  return operations;
}

/** The paths of the subscription procedures (`tasks.onChange`): live streams over SSE. */
export function subscriptionPaths(): Set<string> {
  return new Set(
    Object.entries(procedures)
      .filter(([, procedure]) => procedure._def.type === 'subscription')
      .map(([path]) => path),
  );
}
