/**
 * Request bodies of POST, PUT and PATCH, read once and parsed once.
 *
 * Both surfaces: over 64 KiB → 413 whatever its type; a JSON body in a charset other than
 * UTF-8/16/32 → 415; JSON nesting deeper than MAX_JSON_DEPTH → 400 (a recursive step after
 * parsing would otherwise overflow the stack on a well-formed body and answer 500).
 *
 * REST (`restJsonBody`): a non-empty body that is not application/json → 415; invalid JSON →
 * 400; anything but a JSON object → 400. No body at all is an empty object, so a browser's
 * body-less `PATCH .../complete` (no Content-Type) toggles, and a body-less POST is a
 * validation error rather than a 415. The adapter then always sees a parsed JSON object.
 *
 * tRPC (`trpcJsonBody`): the checked text is handed to tRPC as a string, which its adapter
 * parses as it is; given an object it would serialise it again just to parse it back.
 */
import type { IncomingMessage } from 'node:http';

import { PUBLIC_MESSAGES } from '@todo/api';
import { parse as parseContentType } from 'content-type';
import express, { type Request, type RequestHandler } from 'express';
import typeis from 'type-is';

import { HttpError } from '../http-error.js';
import { nestsDeeperThan, TOO_DEEP_MESSAGE } from '../json-depth.js';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

const takesBody = (req: IncomingMessage) => METHODS_WITH_BODY.has(req.method ?? '');
const isJson = (req: IncomingMessage) => typeis(req, ['application/json']) !== false;

const tooDeep = () => new HttpError(400, 'BAD_REQUEST', TOO_DEEP_MESSAGE);
const unsupportedCharset = () =>
  new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding or charset');

/** JSON is Unicode (RFC 8259 §8.1): UTF-8, or UTF-16/32 when declared. */
function hasUnicodeCharset(req: Request): boolean {
  try {
    const charset = parseContentType(req.get('content-type') ?? '').parameters.charset;
    return charset === undefined || charset.toLowerCase().startsWith('utf-');
  } catch {
    return false;
  }
}

/** Reads a JSON body as text (decoded by its charset) into `req.body`. */
function readJsonText(limitBytes: number): RequestHandler[] {
  return [
    (req, _res, next) => {
      next(
        takesBody(req) && isJson(req) && !hasUnicodeCharset(req) ? unsupportedCharset() : undefined,
      );
    },
    express.text({ type: (req) => takesBody(req) && isJson(req), limit: limitBytes }),
  ];
}

export function restJsonBody(limitBytes: number): RequestHandler[] {
  return [
    // Read (and size-check) bodies of other types only to answer 413 before 415.
    express.raw({ type: (req) => takesBody(req) && !isJson(req), limit: limitBytes }),
    ...readJsonText(limitBytes),
    (req, _res, next) => {
      if (!takesBody(req)) {
        next();
        return;
      }
      const body: unknown = req.body;
      if (Buffer.isBuffer(body) && body.length > 0) {
        next(
          new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Request bodies must be application/json'),
        );
        return;
      }
      if (body === undefined || Buffer.isBuffer(body) || body === '') {
        req.body = {};
      } else if (typeof body === 'string') {
        if (nestsDeeperThan(body)) {
          next(tooDeep());
          return;
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          next(new HttpError(400, 'BAD_REQUEST', PUBLIC_MESSAGES.invalidJson));
          return;
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          next(new HttpError(400, 'BAD_REQUEST', 'Request body must be a JSON object'));
          return;
        }
        req.body = parsed;
      }
      // The adapter checks the header itself, case-sensitively: normalise it.
      req.headers['content-type'] = 'application/json';
      next();
    },
  ];
}

/** tRPC's `?input=` (queries and batches) is JSON too: the same depth rule. */
function queryInput(req: Request): string | null {
  const question = req.url.indexOf('?');
  return question < 0 ? null : new URLSearchParams(req.url.slice(question + 1)).get('input');
}

export function trpcJsonBody(limitBytes: number): RequestHandler[] {
  return [
    ...readJsonText(limitBytes),
    (req, _res, next) => {
      const body: unknown = req.body;
      const text = typeof body === 'string' ? body : queryInput(req);
      next(text !== null && nestsDeeperThan(text) ? tooDeep() : undefined);
    },
  ];
}
