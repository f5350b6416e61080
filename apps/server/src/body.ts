/**
 * Request bodies of POST, PUT and PATCH, read once (raw-body, what body-parser reads with) and
 * parsed once.
 *
 * Both surfaces: over 64 KiB → 413 whatever its type; JSON nesting deeper than MAX_JSON_DEPTH
 * → 400 (a recursive step after parsing would otherwise overflow the stack on a well-formed
 * body and answer 500). JSON is UTF-8 (RFC 8259 §8.1): a `charset` parameter is allowed and, as
 * the RFC says of it, has no effect.
 *
 * REST (`readRestBody`): a non-empty body that is not application/json, or is compressed
 * (Content-Encoding), → 415; invalid JSON → 400; anything but a JSON object → 400. No body at
 * all is an empty object, so a browser's body-less `PATCH .../complete` (no Content-Type)
 * toggles, and a body-less POST is a validation error rather than a 415. The adapter then always
 * sees a parsed JSON object.
 *
 * tRPC (`readTrpcBody`): a JSON body's text is handed to tRPC as a string, which its adapter
 * parses as it is; other types are left to tRPC. Its `?input=` is JSON too: the same depth rule.
 */
import type { IncomingMessage } from 'node:http';

import { PUBLIC_MESSAGES } from '@todo/api';
import getRawBody from 'raw-body';
import typeis from 'type-is';

import { HttpError } from './http-error.js';
import { nestsDeeperThan, TOO_DEEP_MESSAGE } from './json-depth.js';

export const BODY_LIMIT_BYTES = 64 * 1024;

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** What the adapters read: a request with its body already parsed (and, over REST, its query). */
export interface ParsedRequest extends IncomingMessage {
  body?: unknown;
  query?: Record<string, string>;
}

const takesBody = (req: IncomingMessage) => METHODS_WITH_BODY.has(req.method ?? '');
const isJson = (req: IncomingMessage) => typeis(req, ['application/json']) !== false;

const compressed = () =>
  new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Compressed request bodies are not accepted');
const tooDeep = () => new HttpError(400, 'BAD_REQUEST', TOO_DEEP_MESSAGE);

interface ReadError {
  type?: unknown;
}

async function readBytes(req: IncomingMessage): Promise<Buffer> {
  try {
    return await getRawBody(req, {
      length: req.headers['content-length'],
      limit: BODY_LIMIT_BYTES,
    });
  } catch (error) {
    if ((error as ReadError | null)?.type === 'entity.too.large') {
      throw new HttpError(413, 'PAYLOAD_TOO_LARGE', 'Request body exceeds 64 KiB');
    }
    throw new HttpError(400, 'BAD_REQUEST', 'The request body could not be read', {
      cause: error,
    });
  }
}

function isCompressed(req: IncomingMessage): boolean {
  const encoding = req.headers['content-encoding'];
  return encoding !== undefined && encoding.toLowerCase() !== 'identity';
}

/** The REST body as a JSON object (`{}` when there is none); undefined for methods without one. */
export async function readRestBody(req: IncomingMessage): Promise<object | undefined> {
  if (!takesBody(req)) return undefined;
  if (!typeis.hasBody(req)) return {};
  const bytes = await readBytes(req);
  if (bytes.length === 0) return {};
  if (!isJson(req)) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Request bodies must be application/json');
  }
  if (isCompressed(req)) throw compressed();
  if (nestsDeeperThan(bytes)) throw tooDeep();
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', PUBLIC_MESSAGES.invalidJson);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, 'BAD_REQUEST', 'Request body must be a JSON object');
  }
  return parsed;
}

/** tRPC's `?input=` of a query or batch (`search`: the URL's query, without `?`). */
function queryInput(search: string): string | null {
  return search === '' ? null : new URLSearchParams(search).get('input');
}

/** Reads a tRPC JSON body into `req.body` as text, after the size and depth rules. */
export async function readTrpcBody(req: ParsedRequest, search: string): Promise<void> {
  if (takesBody(req) && typeis.hasBody(req) && isJson(req)) {
    const bytes = await readBytes(req);
    if (isCompressed(req)) throw compressed();
    if (nestsDeeperThan(bytes)) throw tooDeep();
    req.body = bytes.toString('utf8');
    return;
  }
  const input = queryInput(search);
  if (input !== null && nestsDeeperThan(input)) throw tooDeep();
}
