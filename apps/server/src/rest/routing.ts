/**
 * Routing facts for /api taken from the generated OpenAPI document (so they cannot drift from
 * the procedures): which paths exist, which methods each allows, and which path and query
 * parameters each operation has. trpc-to-openapi answers 404 for a known path with another
 * method and has no notion of the path's owner, so this runs before it: 404, 403, 405.
 */
import { PUBLIC_MESSAGES, type AuthUser } from '@todo/api';
import type { Request, RequestHandler } from 'express';

import { HttpError } from '../http-error.js';
import { authOf } from './authenticate.js';

export interface OperationParams {
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

const matches = new WeakMap<Request, RouteMatch>();

export function routeOf(req: Request): RouteMatch | undefined {
  return matches.get(req);
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function ownerMismatch(params: Record<string, string>, user: AuthUser | undefined): boolean {
  return params.user_id !== undefined && params.user_id !== user?.id;
}

export function restRouting(table: readonly RestRoute[]): RequestHandler {
  return (req, res, next) => {
    for (const route of table) {
      const found = route.pattern.exec(req.path);
      if (!found) continue;
      const params: Record<string, string> = {};
      for (const [index, name] of route.pathParams.entries()) {
        const value = decode(found[index + 1] ?? '');
        if (value === undefined) {
          next(
            new HttpError(400, 'BAD_REQUEST', PUBLIC_MESSAGES.validation, {
              issues: [{ path: [name], message: `${name} is not a valid URL path segment` }],
            }),
          );
          return;
        }
        params[name] = value;
      }
      const auth = authOf(req);
      if (ownerMismatch(params, auth.kind === 'valid' ? auth.user : undefined)) {
        next(new HttpError(403, 'FORBIDDEN', PUBLIC_MESSAGES.forbidden));
        return;
      }
      const operation = route.operations.get(req.method);
      if (!operation) {
        const allow = [...route.operations.keys()].join(', ');
        res.setHeader('Allow', allow);
        next(
          new HttpError(
            405,
            'METHOD_NOT_SUPPORTED',
            `Method ${req.method} is not allowed here; allowed: ${allow}`,
          ),
        );
        return;
      }
      matches.set(req, { route, operation, params });
      next();
      return;
    }
    next(new HttpError(404, 'NOT_FOUND', 'No such route'));
  };
}
