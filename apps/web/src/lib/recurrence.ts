/**
 * The recurrence picker's model: what a person can choose, turned into the contract's RRULE
 * subset (docs/API.md section 6) and back. Rules are built in the server's normalised form (parts in
 * FREQ, INTERVAL, BYDAY, BYMONTHDAY, UNTIL order, INTERVAL=1 left out, weekdays Monday first),
 * so a rule the picker builds compares equal to the one the server returns.
 */

export const FREQUENCIES = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Which occurrence of a weekday in a month: first to fifth, or the last. */
export const ORDINALS = [1, 2, 3, 4, 5, -1] as const;
export type Ordinal = (typeof ORDINALS)[number];

/** How a monthly rule picks its day. */
export type MonthlyRule =
  /** The due date's own day of the month (no BYDAY or BYMONTHDAY). */
  | { kind: 'same-day' }
  /** A fixed day of the month; -1 is the last day. */
  | { kind: 'month-day'; day: number }
  /** The nth weekday of the month, e.g. the last Friday (BYDAY=-1FR). */
  | { kind: 'nth-weekday'; ordinal: Ordinal; weekday: Weekday };

export interface Recurrence {
  frequency: Frequency;
  /** Every `interval` days, weeks, months or years: 1 to 999. */
  interval: number;
  /** WEEKLY only: the days of the week it falls on; empty means the due date's weekday. */
  weekdays: Weekday[];
  /** MONTHLY only. */
  monthly: MonthlyRule;
  /** The last date it may fall on (`YYYY-MM-DD`, inclusive), or null for no end. */
  until: string | null;
}

export const INTERVAL_MAX = 999;

/** A picker's starting point for a task that does not repeat yet. */
export function defaultRecurrence(frequency: Frequency): Recurrence {
  return { frequency, interval: 1, weekdays: [], monthly: { kind: 'same-day' }, until: null };
}

const sortWeekdays = (days: readonly Weekday[]): Weekday[] =>
  WEEKDAYS.filter((day) => days.includes(day));

/** The RRULE value (no `RRULE:` prefix) for a picker's choice, normalised as the server does. */
export function buildRule(recurrence: Recurrence): string {
  const { frequency, interval, weekdays, monthly, until } = recurrence;
  if (!Number.isInteger(interval) || interval < 1 || interval > INTERVAL_MAX) {
    throw new RangeError(`interval must be an integer from 1 to ${INTERVAL_MAX}`);
  }
  const parts = [`FREQ=${frequency}`];
  if (interval !== 1) parts.push(`INTERVAL=${interval}`);
  if (frequency === 'WEEKLY' && weekdays.length > 0) {
    parts.push(`BYDAY=${sortWeekdays(weekdays).join(',')}`);
  }
  if (frequency === 'MONTHLY' && monthly.kind === 'nth-weekday') {
    parts.push(`BYDAY=${monthly.ordinal}${monthly.weekday}`);
  }
  if (frequency === 'MONTHLY' && monthly.kind === 'month-day') {
    if (!Number.isInteger(monthly.day) || monthly.day === 0 || Math.abs(monthly.day) > 31) {
      throw new RangeError('day of the month must be 1 to 31, or -1 for the last day');
    }
    parts.push(`BYMONTHDAY=${monthly.day}`);
  }
  if (until !== null) parts.push(`UNTIL=${until.replaceAll('-', '')}`);
  return parts.join(';');
}

const PARTS = ['FREQ', 'INTERVAL', 'BYDAY', 'BYMONTHDAY', 'UNTIL'];

const isFrequency = (value: string): value is Frequency =>
  (FREQUENCIES as readonly string[]).includes(value);
const isWeekday = (value: string): value is Weekday =>
  (WEEKDAYS as readonly string[]).includes(value);
const isOrdinal = (value: number): value is Ordinal =>
  (ORDINALS as readonly number[]).includes(value);

/**
 * The picker's reading of a stored rule, or undefined when the rule is one the picker cannot
 * show (several month days, weekdays on a daily rule, ...): the form then keeps it as it is.
 */
export function parseRule(rule: string): Recurrence | undefined {
  const parts = new Map<string, string>();
  for (const part of rule.split(';')) {
    const [name, value, extra] = part.split('=');
    if (name === undefined || value === undefined || extra !== undefined || parts.has(name)) {
      return undefined;
    }
    if (!PARTS.includes(name)) return undefined;
    parts.set(name, value);
  }
  const frequency = parts.get('FREQ');
  if (frequency === undefined || !isFrequency(frequency)) return undefined;
  const recurrence = defaultRecurrence(frequency);

  const interval = parts.get('INTERVAL');
  if (interval !== undefined) {
    if (!/^[1-9][0-9]{0,2}$/.test(interval)) return undefined;
    recurrence.interval = Number(interval);
  }
  const until = parts.get('UNTIL');
  if (until !== undefined) {
    const match = /^(\d{4})(\d{2})(\d{2})$/.exec(until);
    if (!match) return undefined;
    recurrence.until = `${match[1] ?? ''}-${match[2] ?? ''}-${match[3] ?? ''}`;
  }
  const byDay = parts.get('BYDAY');
  const byMonthDay = parts.get('BYMONTHDAY');
  if (byDay !== undefined && byMonthDay !== undefined) return undefined;

  if (byDay !== undefined && frequency === 'WEEKLY') {
    const days = byDay.split(',');
    if (!days.every(isWeekday)) return undefined;
    recurrence.weekdays = sortWeekdays(days);
  } else if (byDay !== undefined && frequency === 'MONTHLY') {
    const match = /^([+-]?[1-5])([A-Z]{2})$/.exec(byDay);
    const ordinal = Number(match?.[1]);
    const weekday = match?.[2] ?? '';
    if (!isOrdinal(ordinal) || !isWeekday(weekday)) return undefined;
    recurrence.monthly = { kind: 'nth-weekday', ordinal, weekday };
  } else if (byDay !== undefined) {
    return undefined;
  }
  if (byMonthDay !== undefined) {
    if (frequency !== 'MONTHLY' || !/^-?[1-9][0-9]?$/.test(byMonthDay)) return undefined;
    const day = Number(byMonthDay);
    if (Math.abs(day) > 31) return undefined;
    recurrence.monthly = { kind: 'month-day', day };
  }
  return recurrence;
}

const UNITS: Record<Frequency, [string, string]> = {
  DAILY: ['day', 'days'],
  WEEKLY: ['week', 'weeks'],
  MONTHLY: ['month', 'months'],
  YEARLY: ['year', 'years'],
};
export const WEEKDAY_NAMES: Record<Weekday, string> = {
  MO: 'Monday',
  TU: 'Tuesday',
  WE: 'Wednesday',
  TH: 'Thursday',
  FR: 'Friday',
  SA: 'Saturday',
  SU: 'Sunday',
};
export const ORDINAL_NAMES: Record<Ordinal, string> = {
  1: 'first',
  2: 'second',
  3: 'third',
  4: 'fourth',
  5: 'fifth',
  [-1]: 'last',
};

/** A rule in words for the list, e.g. "Every 2 weeks on Monday, Friday, until 2026-12-31". */
export function describeRule(rule: string): string {
  const recurrence = parseRule(rule);
  if (!recurrence) return `Repeats (${rule})`;
  const [one, many] = UNITS[recurrence.frequency];
  const words = [
    recurrence.interval === 1 ? `Every ${one}` : `Every ${recurrence.interval} ${many}`,
  ];
  if (recurrence.frequency === 'WEEKLY' && recurrence.weekdays.length > 0) {
    words.push(`on ${recurrence.weekdays.map((day) => WEEKDAY_NAMES[day]).join(', ')}`);
  }
  if (recurrence.frequency === 'MONTHLY') {
    const monthly = recurrence.monthly;
    if (monthly.kind === 'month-day') {
      words.push(monthly.day === -1 ? 'on the last day' : `on day ${monthly.day}`);
    } else if (monthly.kind === 'nth-weekday') {
      words.push(`on the ${ORDINAL_NAMES[monthly.ordinal]} ${WEEKDAY_NAMES[monthly.weekday]}`);
    }
  }
  const text = words.join(' ');
  return recurrence.until === null ? text : `${text}, until ${recurrence.until}`;
}
