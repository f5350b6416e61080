/**
 * Request bodies of POST, PUT and PATCH (CONTRACT section 3, T3 of the stack notes):
 * over 64 KiB → 413 whatever its type; a non-empty body that is not application/json → 415;
 * invalid JSON → 400; anything but a JSON object → 400. No body at all is an empty object, so
 * a browser's body-less `PATCH .../complete` (no Content-Type) toggles, and a body-less POST is
 * a validation error rather than a 415. The adapter then always sees a parsed JSON object.
 */
import type { IncomingMessage } from 'node:http';

import express, { type RequestHandler } from 'express';
import typeis from 'type-is';

import { HttpError } from '../http-error.js';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

const takesBody = (req: IncomingMessage) => METHODS_WITH_BODY.has(req.method ?? '');
const isJson = (req: IncomingMessage) => typeis(req, ['application/json']) !== false;

export function jsonBody(limitBytes: number): RequestHandler[] {
  return [
    // Read (and size-check) bodies of other types only to answer 413 before 415.
    express.raw({ type: (req) => takesBody(req) && !isJson(req), limit: limitBytes }),
    express.json({ type: (req) => takesBody(req) && isJson(req), limit: limitBytes, strict: true }),
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
      if (body === undefined || Buffer.isBuffer(body)) {
        req.body = {};
      } else if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        next(new HttpError(400, 'BAD_REQUEST', 'Request body must be a JSON object'));
        return;
      }
      // The adapter checks the header itself, case-sensitively: normalise it.
      req.headers['content-type'] = 'application/json';
      next();
    },
  ];
}
