/**
 * Raw REST values the schemas cannot judge, because trpc-to-openapi converts them first:
 * integers in the path and query must be plain decimal (it would read `0x10` or `1e1`), a
 * known query parameter must not be empty or repeated (it drops empty values), and a body may
 * not carry a path parameter's name (it would silently lose to the path). Unknown query
 * parameters are ignored, as the contract says: the adapter is handed the known ones only, parsed
 * here once.
 */
import { isPlainDecimal, type ContractIssue } from '@todo/api';

import { invalidInput } from '../http-error.js';
import type { RouteMatch } from './routing.js';

const notPlainDecimal = (name: string): ContractIssue => ({
  path: [name],
  message: `${name} must be a positive integer written in plain decimal`,
});

/** The operation's query parameters from `search` (the URL's query, without `?`), checked. */
export function checkedParams(
  match: RouteMatch,
  search: string,
  body: unknown,
): Record<string, string> {
  const issues: ContractIssue[] = [];
  for (const name of match.operation.integerPathParams) {
    if (!isPlainDecimal(match.params[name] ?? '')) issues.push(notPlainDecimal(name));
  }
  const query: Record<string, string> = {};
  if (match.operation.query.length > 0 && search !== '') {
    const given = new URLSearchParams(search);
    for (const { name, integer } of match.operation.query) {
      const values = given.getAll(name);
      const value = values[0];
      if (value === undefined) continue;
      if (values.length > 1) {
        issues.push({ path: [name], message: `${name} must be given once` });
      } else if (value === '') {
        issues.push({ path: [name], message: `${name} must not be empty` });
      } else if (integer && !isPlainDecimal(value)) {
        issues.push(notPlainDecimal(name));
      } else {
        query[name] = value;
      }
    }
  }
  if (typeof body === 'object' && body !== null) {
    for (const name of match.route.pathParams) {
      if (Object.hasOwn(body, name)) issues.push({ path: [name], message: 'Unknown field' });
    }
  }
  if (issues.length > 0) throw invalidInput(issues);
  return query;
}
