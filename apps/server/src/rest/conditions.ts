/**
 * The REST request headers of conditional requests and idempotent creates, parsed once:
 * If-Match on writes (PUT, PATCH, DELETE), If-None-Match on reads, Idempotency-Key on POST.
 * A header present but malformed is the request's own fault: 400 naming it (before 404).
 */
import type { IncomingHttpHeaders } from 'node:http';

import {
  parseIdempotencyKey,
  parseIfMatch,
  parseIfNoneMatch,
  type ContractIssue,
  type RequestConditions,
} from '@todo/api';

import { invalidInput } from '../http-error.js';

const WRITES = new Set(['PUT', 'PATCH', 'DELETE']);

/** A header's one value (Node joins repeated ones with `, `, as lists of tags combine). */
const one = (value: string | string[] | undefined) =>
  Array.isArray(value) ? value.join(', ') : value;

export function parseConditions(method: string, headers: IncomingHttpHeaders): RequestConditions {
  const found: RequestConditions = {};
  const issues: ContractIssue[] = [];
  const ifMatch = WRITES.has(method) ? one(headers['if-match']) : undefined;
  if (ifMatch !== undefined) {
    found.ifMatch = parseIfMatch(ifMatch);
    if (found.ifMatch === undefined) {
      issues.push({ path: ['If-Match'], message: 'If-Match must be * or a list of entity tags' });
    }
  }
  const ifNoneMatch = method === 'GET' ? one(headers['if-none-match']) : undefined;
  if (ifNoneMatch !== undefined) {
    found.ifNoneMatch = parseIfNoneMatch(ifNoneMatch);
    if (found.ifNoneMatch === undefined) {
      issues.push({
        path: ['If-None-Match'],
        message: 'If-None-Match must be * or a list of entity tags',
      });
    }
  }
  const key = method === 'POST' ? one(headers['idempotency-key']) : undefined;
  if (key !== undefined) {
    found.idempotencyKey = parseIdempotencyKey(key);
    if (found.idempotencyKey === undefined) {
      issues.push({
        path: ['Idempotency-Key'],
        message:
          'Idempotency-Key must be 1 to 255 characters of A-Z a-z 0-9 . _ : - (optionally quoted)',
      });
    }
  }
  if (issues.length > 0) throw invalidInput(issues);
  return found;
}
