/**
 * How deep a JSON text nests, found by one pass over its bytes without parsing it. Nothing in
 * the contract nests deeper than a few levels, but a 64 KiB body can nest 30,000 deep, and any
 * recursive step after parsing (a serialiser, a validator, a logger) then overflows the stack:
 * a 500 for a well-formed body. Bodies and tRPC's `input` are refused beyond MAX_JSON_DEPTH.
 */
const MAX_JSON_DEPTH = 32;

export const TOO_DEEP_MESSAGE = `JSON nests deeper than ${MAX_JSON_DEPTH} levels`;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** True when the text (UTF-8 bytes or a string) opens more than `max` arrays/objects at once. */
export function nestsDeeperThan(text: Uint8Array | string, max: number = MAX_JSON_DEPTH): boolean {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}
