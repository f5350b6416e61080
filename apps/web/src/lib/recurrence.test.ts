import { describe, expect, it } from 'vitest';

import {
  buildRule,
  defaultRecurrence,
  describeRule,
  parseRule,
  type Recurrence,
} from './recurrence';

const rule = (change: Partial<Recurrence>): Recurrence => ({
  ...defaultRecurrence(change.frequency ?? 'DAILY'),
  ...change,
});

describe('when the picker builds a rule', () => {
  it('then it is in the server’s normal form: parts in order, INTERVAL=1 left out', () => {
    expect(buildRule(rule({ frequency: 'DAILY' }))).toBe('FREQ=DAILY');
    expect(buildRule(rule({ frequency: 'YEARLY', interval: 2 }))).toBe('FREQ=YEARLY;INTERVAL=2');
    expect(
      buildRule(
        rule({ frequency: 'WEEKLY', interval: 3, weekdays: ['FR', 'MO'], until: '2026-12-31' }),
      ),
    ).toBe('FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,FR;UNTIL=20261231');
  });

  it('then a monthly rule takes the chosen day: the due date’s, a month day, or an nth weekday', () => {
    expect(buildRule(rule({ frequency: 'MONTHLY' }))).toBe('FREQ=MONTHLY');
    expect(buildRule(rule({ frequency: 'MONTHLY', monthly: { kind: 'month-day', day: 15 } }))).toBe(
      'FREQ=MONTHLY;BYMONTHDAY=15',
    );
    expect(buildRule(rule({ frequency: 'MONTHLY', monthly: { kind: 'month-day', day: -1 } }))).toBe(
      'FREQ=MONTHLY;BYMONTHDAY=-1',
    );
    expect(
      buildRule(
        rule({
          frequency: 'MONTHLY',
          monthly: { kind: 'nth-weekday', ordinal: -1, weekday: 'FR' },
        }),
      ),
    ).toBe('FREQ=MONTHLY;BYDAY=-1FR');
  });

  it('then choices that belong to another frequency are left out', () => {
    const weekdaysOnMonthly = rule({ frequency: 'MONTHLY', weekdays: ['MO'] });
    const monthDayOnWeekly = rule({ frequency: 'WEEKLY', monthly: { kind: 'month-day', day: 3 } });

    expect(buildRule(weekdaysOnMonthly)).toBe('FREQ=MONTHLY');
    expect(buildRule(monthDayOnWeekly)).toBe('FREQ=WEEKLY');
  });

  it('then an interval outside 1 to 999 is refused', () => {
    expect(() => buildRule(rule({ interval: 0 }))).toThrow(RangeError);
    expect(() => buildRule(rule({ interval: 1000 }))).toThrow(RangeError);
  });
});

describe('when a stored rule is read back into the picker', () => {
  it('then every rule the picker builds reads back as the same choice', () => {
    const choices: Recurrence[] = [
      rule({ frequency: 'DAILY', interval: 7 }),
      rule({ frequency: 'WEEKLY', weekdays: ['MO', 'FR'], until: '2027-01-31' }),
      rule({ frequency: 'MONTHLY', monthly: { kind: 'month-day', day: 31 } }),
      rule({
        frequency: 'MONTHLY',
        interval: 2,
        monthly: { kind: 'nth-weekday', ordinal: 2, weekday: 'TU' },
      }),
      rule({ frequency: 'YEARLY' }),
    ];

    for (const choice of choices) expect(parseRule(buildRule(choice))).toEqual(choice);
  });

  it('then a rule the picker cannot show is reported as such, to be kept as it is', () => {
    expect(parseRule('FREQ=MONTHLY;BYMONTHDAY=1,15')).toBeUndefined();
    expect(parseRule('FREQ=DAILY;BYDAY=MO')).toBeUndefined();
    expect(parseRule('FREQ=MONTHLY;BYDAY=MO,-1FR')).toBeUndefined();
    expect(parseRule('FREQ=DAILY;COUNT=3')).toBeUndefined();
  });

  it('then the list describes it in words', () => {
    expect(describeRule('FREQ=WEEKLY;BYDAY=MO,FR')).toBe('Every week on Monday, Friday');
    expect(describeRule('FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR;UNTIL=20261231')).toBe(
      'Every 2 months on the last Friday, until 2026-12-31',
    );
    expect(describeRule('FREQ=MONTHLY;BYMONTHDAY=1,15')).toBe(
      'Repeats (FREQ=MONTHLY;BYMONTHDAY=1,15)',
    );
  });
});
