/**
 * The contract's strict field helpers. trpc-to-openapi sets `coerce` on every plain
 * z.number()/z.boolean() in an input schema, bodies included, and does it on the shared schema
 * object (so tRPC calls are coerced too, after the first REST call). It does not descend into
 * unions or pipes, so booleans are a union of literals and integers a preprocess pipe.
 */
import { z } from 'zod';

const PLAIN_DECIMAL = /^[1-9][0-9]*$/;

/** Whether path or query text is a positive integer in plain decimal (no sign, leading zero, exponent or hex). */
export function isPlainDecimal(text: string): boolean {
  return PLAIN_DECIMAL.test(text);
}

/** Code points, as PostgreSQL's varchar(n) counts them (200 emoji are 200 characters). */
export function codePointLength(value: string): number {
  return Array.from(value).length;
}

/**
 * A positive integer. Over tRPC it is a JSON number; over REST the same schema receives the
 * path or query text, which must be plain decimal (`^[1-9][0-9]*$`: no sign, leading zero,
 * exponent or hex). The typed input stays `number`.
 */
export function positiveInteger(message: string, max?: number) {
  // Not .int(): zod 4 limits that to safe integers, and an id too large to exist is a 404.
  const integer = z
    .number({ error: message })
    .min(1, { error: message })
    .refine(Number.isInteger, { error: message })
    .meta({ type: 'integer' });
  return z.preprocess<unknown, typeof integer, number>(
    (value) => (typeof value === 'string' && isPlainDecimal(value) ? Number(value) : value),
    max === undefined ? integer : integer.max(max, { error: message }),
  );
}

/**
 * A positive integer that must be a JSON number on both surfaces (a field of a body, never a
 * path or query value): `"1"` is refused, not coerced. The pipe keeps trpc-to-openapi's coercer
 * out, as for booleans.
 */
export function jsonPositiveInteger(message: string) {
  const integer = z
    .number({ error: message })
    .min(1, { error: message })
    .refine(Number.isInteger, { error: message })
    .meta({ type: 'integer' });
  return z.preprocess<unknown, typeof integer, number>((value) => value, integer);
}

/** true or false only: `"false"`, `0` and `"true"` are refused, never coerced. */
export function strictBoolean(message: string) {
  return z.union([z.literal(true), z.literal(false)], { error: message });
}

/**
 * PostgreSQL text cannot hold U+0000 (the driver fails with 22021): text carrying it is the
 * caller's fault, a 400, never a 500. trim() keeps it, so "\u0000" alone would pass as a title.
 */
export const NUL_MESSAGE = 'Text must not contain the NUL character (U+0000)';

/** A string without U+0000 whose length, in code points, is within [min, max]. */
export function boundedString(message: string, min: number, max: number) {
  return z
    .string({ error: message })
    .refine(
      (value) => {
        const length = codePointLength(value);
        return length >= min && length <= max;
      },
      { error: message },
    )
    .refine((value) => !value.includes('\u0000'), { error: NUL_MESSAGE })
    .meta({ minLength: min, maxLength: max });
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A `YYYY-MM-DD` date that exists, years 0001 to 9999 (no time, no zone). */
function isCalendarDate(text: string): boolean {
  const match = CALENDAR_DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  // Day 0 of the next month is this month's last day; setUTCFullYear keeps years below 100.
  const last = new Date(0);
  last.setUTCFullYear(year, month, 0);
  return day <= last.getUTCDate();
}

export function calendarDate(message: string) {
  return z
    .string({ error: message })
    .refine(isCalendarDate, { error: message })
    .meta({ format: 'date', pattern: CALENDAR_DATE.source });
}
