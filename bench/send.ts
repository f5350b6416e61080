import type { ServerResponse } from 'node:http';

/** A JSON answer written in one go, as the floor and the ceilings send theirs. */
export function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
