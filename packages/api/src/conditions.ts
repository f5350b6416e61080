/**
 * Conditional requests and idempotency keys: the header values of RFC 9110 §13 and the IETF
 * Idempotency-Key draft, parsed once here for both surfaces (REST reads headers, tRPC the
 * `if_version` and `idempotency_key` input fields).
 */
import { createHash } from 'node:crypto';

/** A version's entity tag: `"3"` (strong). */
export const etagOf = (version: number) => `"${version}"`;

/**
 * `*`, or the versions named by strong tags. Weak tags (`W/"3"`) never match under strong
 * comparison, and tags that are not one of our versions match nothing: both are left out, so
 * `If-Match: W/"3"` is a condition no task meets (412), not no condition.
 */
export type IfMatch = '*' | readonly number[];

/** `*`, or the versions named by any tag, weak or strong (weak comparison). */
export type IfNoneMatch = '*' | readonly number[];

// entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE (RFC 9110 §8.8.3); etagc excludes DQUOTE and CTLs.
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;
const VERSION = /^[1-9][0-9]{0,9}$/;

interface ParsedTag {
  weak: boolean;
  version: number | undefined;
}

/** A comma-separated list of entity tags, or `*`; undefined when malformed. */
function parseTagList(header: string): '*' | ParsedTag[] | undefined {
  const value = header.trim();
  if (value === '*') return '*';
  const tags: ParsedTag[] = [];
  for (const item of value.split(',')) {
    const part = item.trim();
    if (part === '') continue;
    const match = ENTITY_TAG.exec(part);
    if (!match) return undefined;
    const opaque = match[2] ?? '';
    tags.push({
      weak: match[1] !== undefined,
      version: VERSION.test(opaque) ? Number(opaque) : undefined,
    });
  }
  return tags.length === 0 ? undefined : tags;
}

export function parseIfMatch(header: string): IfMatch | undefined {
  const tags = parseTagList(header);
  if (tags === undefined || tags === '*') return tags;
  return tags.flatMap((tag) => (tag.weak || tag.version === undefined ? [] : [tag.version]));
}

export function parseIfNoneMatch(header: string): IfNoneMatch | undefined {
  const tags = parseTagList(header);
  if (tags === undefined || tags === '*') return tags;
  return tags.flatMap((tag) => (tag.version === undefined ? [] : [tag.version]));
}

/** If-None-Match against a task's version (weak comparison). */
export function noneMatches(condition: IfNoneMatch, version: number): boolean {
  return condition === '*' || condition.includes(version);
}

/** The versions a write is conditional on, or undefined for an unconditional write. */
export function requiredVersions(condition: IfMatch | undefined): readonly number[] | undefined {
  return condition === undefined || condition === '*' ? undefined : condition;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,255}$/;

/**
 * An Idempotency-Key, sent bare (`abc`, as Stripe does) or as a structured-field string
 * (`"abc"`, the IETF draft): the same key either way. Undefined when it is not 1 to 255
 * characters of `[A-Za-z0-9._:-]`.
 */
export function parseIdempotencyKey(value: string): string | undefined {
  const key =
    value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  return IDEMPOTENCY_KEY.test(key) ? key : undefined;
}

/** JSON with object keys sorted at every level: equal as parsed JSON, equal as text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value === undefined ? null : value);
}

/** Input fields that are not the request's content: who it is for, and the key itself. */
const NOT_CONTENT = new Set(['user_id', 'idempotency_key']);

/**
 * What makes two creates "the same request": the raw input (the REST body, or the tRPC input)
 * compared as parsed JSON, without `user_id` and `idempotency_key`, so REST and tRPC share keys.
 */
export function fingerprintOf(rawInput: unknown): string {
  const content =
    rawInput !== null && typeof rawInput === 'object' && !Array.isArray(rawInput)
      ? Object.fromEntries(Object.entries(rawInput).filter(([key]) => !NOT_CONTENT.has(key)))
      : rawInput;
  return createHash('sha256').update(canonicalJson(content)).digest('base64url');
}
