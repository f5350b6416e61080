// Recurrence rules for tasks: our RFC 5545 RRULE subset (validated and
// normalised here) expanded by rrule-temporal.
//
// Subset, parts in canonical order:
//   FREQ        DAILY | WEEKLY | MONTHLY | YEARLY (required)
//   INTERVAL    1..999, plain decimal, no sign or leading zero; 1 is omitted
//   BYDAY       MO..SU list; MONTHLY may prefix an ordinal 1..5 or -1..-5
//   BYMONTHDAY  1..31 or -31..-1 list; MONTHLY only
//   UNTIL       a calendar date YYYYMMDD (inclusive)
// Lists are de-duplicated and sorted so that equal rules compare equal:
// BYDAY by weekday (MO first), then plain, 1..5, -5..-1 (a "+" sign is
// dropped); BYMONTHDAY 1..31 then -31..-1.
import { RRuleTemporal } from 'rrule-temporal';

export type ParseResult = { ok: true; rule: string } | { ok: false; part: string; message: string };

const FREQS = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const;
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
const PARTS = ['FREQ', 'INTERVAL', 'BYDAY', 'BYMONTHDAY', 'UNTIL'] as const;
type Part = (typeof PARTS)[number];
// Real RFC 5545 parts we deliberately leave out, so the error can say so.
const UNSUPPORTED = [
  'COUNT',
  'BYSECOND',
  'BYMINUTE',
  'BYHOUR',
  'BYYEARDAY',
  'BYWEEKNO',
  'BYMONTH',
  'BYSETPOS',
  'WKST',
  'RSCALE',
  'SKIP',
];

const HORIZON = '99991231';
// Our parts only test weekday, day of month and month length, which repeat
// every 400 Gregorian years (4800 months). So a rule occurs within 4800 of
// its periods (MONTHLY; at most 400 for YEARLY, 7 for DAILY, 2 for WEEKLY)
// or never again. rrule-temporal counts each period it visits as one
// iteration and throws once it passes maxIterations.
const MAX_PERIODS = 4800 + 1;

interface Fail {
  ok: false;
  part: string;
  message: string;
}
const fail = (part: string, message: string): Fail => ({ ok: false, part, message });

function isCalendarDate(y: number, m: number, d: number): boolean {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
  return d <= days;
}

// Strict list split: no empty items, no whitespace, exact duplicates removed.
function listItems(value: string): string[] | null {
  const items = value.split(',');
  return items.some((i) => i === '') ? null : [...new Set(items)];
}

function parseByDay(value: string, freq: string): string[] | Fail {
  const items = listItems(value);
  if (!items) return fail('BYDAY', 'BYDAY must be a comma-separated list without empty items');
  const parsed: { wd: number; ord: number }[] = [];
  for (const item of items) {
    const m = /^(?:([+-]?)([1-9]\d*))?(MO|TU|WE|TH|FR|SA|SU)$/.exec(item);
    if (!m)
      return fail(
        'BYDAY',
        `BYDAY value "${item}" is not a weekday MO..SU (optionally with an ordinal such as 1MO or -1FR)`,
      );
    const [, sign, digits, day] = m;
    const ord = digits === undefined ? 0 : (sign === '-' ? -1 : 1) * Number(digits);
    if (ord !== 0 && freq !== 'MONTHLY')
      return fail('BYDAY', `BYDAY ordinal "${item}" is only allowed with FREQ=MONTHLY`);
    if (Math.abs(ord) > 5) return fail('BYDAY', `BYDAY ordinal "${item}" must be 1..5 or -5..-1`);
    parsed.push({ wd: (WEEKDAYS as readonly string[]).indexOf(day ?? ''), ord });
  }
  const rank = (o: number): number => (o === 0 ? 0 : o > 0 ? o : 11 + o);
  parsed.sort((a, b) => a.wd - b.wd || rank(a.ord) - rank(b.ord));
  return [...new Set(parsed.map((p) => `${p.ord === 0 ? '' : p.ord}${WEEKDAYS[p.wd] ?? ''}`))];
}

function parseByMonthDay(value: string, freq: string): string[] | Fail {
  if (freq !== 'MONTHLY') return fail('BYMONTHDAY', 'BYMONTHDAY is only allowed with FREQ=MONTHLY');
  const items = listItems(value);
  if (!items)
    return fail('BYMONTHDAY', 'BYMONTHDAY must be a comma-separated list without empty items');
  const days: number[] = [];
  for (const item of items) {
    const m = /^([+-]?)([1-9]\d?)$/.exec(item);
    const n = m ? (m[1] === '-' ? -1 : 1) * Number(m[2]) : 0;
    if (n === 0 || Math.abs(n) > 31)
      return fail('BYMONTHDAY', `BYMONTHDAY value "${item}" must be 1..31 or -31..-1`);
    days.push(n);
  }
  const rank = (n: number): number => (n > 0 ? n : 100 + n);
  return [...new Set(days.sort((a, b) => rank(a) - rank(b)).map(String))];
}

export function parseRecurrence(text: string): ParseResult {
  if (/^RRULE:/i.test(text)) return fail('RRULE', 'give the rule without the "RRULE:" prefix');
  if (text === '') return fail('FREQ', 'FREQ is required');
  const raw = new Map<Part, string>();
  for (const piece of text.split(';')) {
    if (piece === '') return fail(';', 'empty rule part (a leading, trailing or doubled ";")');
    const eq = piece.indexOf('=');
    if (eq < 0) return fail(piece, `"${piece}" is not NAME=VALUE`);
    const name = piece.slice(0, eq);
    const value = piece.slice(eq + 1);
    const upper = name.toUpperCase();
    if (!(PARTS as readonly string[]).includes(name)) {
      if ((PARTS as readonly string[]).includes(upper))
        return fail(name, `part names are upper case: write ${upper}`);
      if (UNSUPPORTED.includes(upper))
        return fail(name, `${upper} is not supported (allowed: ${PARTS.join(', ')})`);
      return fail(name, `unknown part ${name} (allowed: ${PARTS.join(', ')})`);
    }
    const part = name as Part;
    if (raw.has(part)) return fail(part, `${part} is given more than once`);
    if (value === '') return fail(part, `${part} has an empty value`);
    raw.set(part, value);
  }

  const freq = raw.get('FREQ');
  if (freq === undefined) return fail('FREQ', 'FREQ is required');
  if (!(FREQS as readonly string[]).includes(freq))
    return fail('FREQ', `FREQ must be one of ${FREQS.join(', ')}`);
  const out = [`FREQ=${freq}`];

  const interval = raw.get('INTERVAL');
  if (interval !== undefined) {
    if (!/^[1-9]\d{0,2}$/.test(interval))
      return fail(
        'INTERVAL',
        'INTERVAL must be a whole number 1..999 without sign or leading zeros',
      );
    if (interval !== '1') out.push(`INTERVAL=${interval}`);
  }

  const byDay = raw.get('BYDAY');
  if (byDay !== undefined) {
    const days = parseByDay(byDay, freq);
    if (!Array.isArray(days)) return days;
    out.push(`BYDAY=${days.join(',')}`);
  }

  const byMonthDay = raw.get('BYMONTHDAY');
  if (byMonthDay !== undefined) {
    const days = parseByMonthDay(byMonthDay, freq);
    if (!Array.isArray(days)) return days;
    out.push(`BYMONTHDAY=${days.join(',')}`);
  }

  const until = raw.get('UNTIL');
  if (until !== undefined) {
    const m = /^(\d{4})(\d{2})(\d{2})$/.exec(until);
    if (!m || !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
      return fail(
        'UNTIL',
        'UNTIL must be a real calendar date YYYYMMDD (years 0001-9999, no time part)',
      );
    }
    out.push(`UNTIL=${until}`);
  }

  return { ok: true, rule: out.join(';') };
}

/**
 * The first occurrence strictly after `due` of `rule` started at `due`
 * (DTSTART), as YYYY-MM-DD, or null when the rule has no further occurrence
 * on or before UNTIL and 9999-12-31.
 */
export function nextOccurrence(rule: string, due: string): string | null {
  const parsed = parseRecurrence(rule);
  if (!parsed.ok) throw new RangeError(`invalid recurrence: ${parsed.message}`);
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(due);
  if (!d || !isCalendarDate(Number(d[1]), Number(d[2]), Number(d[3])))
    throw new RangeError(`invalid due date: ${due}`);

  // rrule-temporal has no upper year limit (it would answer +010000-12-31),
  // so the year-9999 horizon is given to it as UNTIL.
  const bounded = parsed.rule.includes(';UNTIL=') ? parsed.rule : `${parsed.rule};UNTIL=${HORIZON}`;
  const rrule = new RRuleTemporal({
    rruleString: `DTSTART;VALUE=DATE:${d[1]}${d[2]}${d[3]}\nRRULE:${bounded}`,
    maxIterations: MAX_PERIODS,
  });
  try {
    const next = rrule.next(rrule.options().dtstart, false);
    return next === null ? null : next.toPlainDate().toString();
  } catch (error) {
    // A rule that never matches again (e.g. BYDAY=1MO;BYMONTHDAY=15) makes
    // the library throw rather than return null; see MAX_PERIODS.
    if (error instanceof Error && /^Maximum iterations \(\d+\) exceeded/.test(error.message))
      return null;
    throw error;
  }
}
