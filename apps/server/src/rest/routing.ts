/**
 * Routing facts for /api taken from the generated OpenAPI document (so they cannot drift from
 * the procedures): which paths exist, which methods each allows, and which path and query
 * parameters each operation has. trpc-to-openapi answers 404 for a known path with another
 * method and has no notion of the path's owner, so this runs before it: 404, 403, 405.
 */
import { claimsOtherUser, PUBLIC_MESSAGES } from '@todo/api';

import { HttpError, invalidInput, methodNotAllowed } from '../http-error.js';

interface OperationParams {
  /** Query parameter names, and which are integers (plain decimal over REST). */
  query: { name: string; integer: boolean }[];
  integerPathParams: string[];
}

export interface RestRoute {
  template: string;
  pattern: RegExp;
  pathParams: string[];
  operations: Map<string, OperationParams>;
}

export interface RouteMatch {
  route: RestRoute;
  operation: OperationParams;
  /** Decoded path parameters. */
  params: Record<string, string>;
}

interface DocumentParameter {
  $ref?: string;
  in?: string;
  name?: string;
  schema?: { type?: unknown; $ref?: string };
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type HttpMethod = (typeof HTTP_METHODS)[number];

/** The parts of an OpenAPI document the table is built from. */
interface DocumentShape {
  paths?: Record<
    string,
    Partial<Record<HttpMethod, { parameters?: DocumentParameter[] }>> | undefined
  >;
}

export function buildRouteTable(document: DocumentShape): RestRoute[] {
  return Object.entries(document.paths ?? {}).map(([template, item]) => {
    const pathParams = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
    const source = template
      .split(/\{[^}]+\}/)
      .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
      .join('([^/]+)');
    const operations = new Map<string, OperationParams>();
    for (const method of HTTP_METHODS) {
      const op = item?.[method];
      if (!op) continue;
      const parameters = op.parameters ?? [];
      operations.set(method.toUpperCase(), {
        query: parameters
          .filter((p) => p.in === 'query' && p.name)
          .map((p) => ({ name: p.name ?? '', integer: p.schema?.type === 'integer' })),
        integerPathParams: parameters
          .filter((p) => p.in === 'path' && p.schema?.type === 'integer')
          .map((p) => p.name ?? ''),
      });
    }
    return { template, pattern: new RegExp(`^${source}/?$`), pathParams, operations };
  });
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * The operation `method path` is for (`path` below /api), in the contract's order: a path no
 * route has is 404, another user's path 403 (before its method is judged), a known path with
 * another method 405 with Allow.
 */
export function matchRoute(
  table: readonly RestRoute[],
  method: string,
  path: string,
  callerId: string,
): RouteMatch {
  for (const route of table) {
    const found = route.pattern.exec(path);
    if (!found) continue;
    const params: Record<string, string> = {};
    for (const [index, name] of route.pathParams.entries()) {
      const value = decode(found[index + 1] ?? '');
      if (value === undefined) {
        throw invalidInput([{ path: [name], message: `${name} is not a valid URL path segment` }]);
      }
      params[name] = value;
    }
    if (claimsOtherUser(params, callerId)) {
      throw new HttpError(403, 'FORBIDDEN', PUBLIC_MESSAGES.forbidden);
    }
    const operation = route.operations.get(method);
    if (!operation) throw methodNotAllowed(method, [...route.operations.keys()]);
    return { route, operation, params };
  }
  throw new HttpError(404, 'NOT_FOUND', 'No such route');
}
