import { describe, expect, it } from 'vitest';
import { nextOccurrence, parseRecurrence } from '../src/tasks/recurrence.js';
import { cases } from './recurrence.cases.js';

describe('when a recurring task is completed (hand-worked RFC 5545 cases in recurrence.cases.ts)', () => {
  it.each(cases)('then $rule from $due moves to $next', ({ rule, due, next }) => {
    const parsed = parseRecurrence(rule);
    expect(parsed).toEqual({ ok: true, rule });
    expect(nextOccurrence(rule, due)).toBe(next);
  });

  it('then a rule or a due date that is not valid is refused', () => {
    expect(() => nextOccurrence('FREQ=DAILY;COUNT=2', '2026-12-01')).toThrow(RangeError);
    for (const due of [
      '2026-02-30',
      '2026-1-01',
      '0000-01-01',
      '10000-01-01',
      '2026-12-01T00:00',
    ]) {
      expect(() => nextOccurrence('FREQ=DAILY', due)).toThrow(RangeError);
    }
  });
});

describe('when a rule is normalised', () => {
  it.each([
    // canonical part order, INTERVAL=1 dropped
    ['INTERVAL=2;FREQ=WEEKLY', 'FREQ=WEEKLY;INTERVAL=2'],
    ['FREQ=DAILY;INTERVAL=1', 'FREQ=DAILY'],
    [
      'UNTIL=20261231;BYDAY=FR,MO;INTERVAL=3;FREQ=WEEKLY',
      'FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,FR;UNTIL=20261231',
    ],
    // BYDAY: weekday order MO..SU, then plain, 1..5, -5..-1; "+" dropped; duplicates removed
    ['FREQ=WEEKLY;BYDAY=SU,FR,MO,MO', 'FREQ=WEEKLY;BYDAY=MO,FR,SU'],
    ['FREQ=MONTHLY;BYDAY=-1FR,+1MO,FR,2MO', 'FREQ=MONTHLY;BYDAY=1MO,2MO,FR,-1FR'],
    ['FREQ=MONTHLY;BYDAY=-1MO,MO,5MO,-5MO,1MO,+1MO', 'FREQ=MONTHLY;BYDAY=MO,1MO,5MO,-5MO,-1MO'],
    // BYMONTHDAY: 1..31 ascending, then -31..-1
    ['FREQ=MONTHLY;BYMONTHDAY=-1,15,1,-31,+5,15', 'FREQ=MONTHLY;BYMONTHDAY=1,5,15,-31,-1'],
    ['FREQ=YEARLY;UNTIL=20240229', 'FREQ=YEARLY;UNTIL=20240229'],
    ['FREQ=DAILY;UNTIL=00010101', 'FREQ=DAILY;UNTIL=00010101'],
    ['FREQ=DAILY;INTERVAL=999;UNTIL=99991231', 'FREQ=DAILY;INTERVAL=999;UNTIL=99991231'],
  ])('then %s becomes %s', (input, rule) => {
    expect(parseRecurrence(input)).toEqual({ ok: true, rule });
    expect(parseRecurrence(rule)).toEqual({ ok: true, rule }); // idempotent
  });

  it('then equal rules compare equal', () => {
    const a = parseRecurrence('BYDAY=FR,MO;FREQ=WEEKLY');
    const b = parseRecurrence('FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,FR');
    expect(a).toEqual(b);
  });
});

describe('when a rule is outside the supported subset', () => {
  it.each([
    ['', 'FREQ'],
    ['RRULE:FREQ=DAILY', 'RRULE'],
    ['INTERVAL=2', 'FREQ'],
    ['FREQ=HOURLY', 'FREQ'],
    ['FREQ=daily', 'FREQ'],
    ['freq=DAILY', 'freq'],
    ['FREQ=WEEKLY;byday=MO', 'byday'],
    ['FREQ=DAILY;COUNT=3', 'COUNT'],
    ['FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1', 'BYSETPOS'],
    ['FREQ=DAILY;BYHOUR=9', 'BYHOUR'],
    ['FREQ=WEEKLY;WKST=SU', 'WKST'],
    ['FREQ=YEARLY;BYMONTH=2', 'BYMONTH'],
    ['FREQ=DAILY;X-FOO=1', 'X-FOO'],
    ['FREQ=DAILY;FREQ=WEEKLY', 'FREQ'],
    ['FREQ=DAILY;INTERVAL=2;INTERVAL=3', 'INTERVAL'],
    ['FREQ=DAILY;', ';'],
    [';FREQ=DAILY', ';'],
    ['FREQ=DAILY;;INTERVAL=2', ';'],
    ['FREQ', 'FREQ'],
    ['FREQ=DAILY;INTERVAL', 'INTERVAL'],
    ['FREQ=', 'FREQ'],
    ['FREQ=DAILY;INTERVAL=0', 'INTERVAL'],
    ['FREQ=DAILY;INTERVAL=01', 'INTERVAL'],
    ['FREQ=DAILY;INTERVAL=1000', 'INTERVAL'],
    ['FREQ=DAILY;INTERVAL=+2', 'INTERVAL'],
    ['FREQ=DAILY;INTERVAL=-1', 'INTERVAL'],
    ['FREQ=DAILY;INTERVAL=1.5', 'INTERVAL'],
    ['FREQ=DAILY;INTERVAL= 2', 'INTERVAL'],
    ['FREQ=WEEKLY;BYDAY=', 'BYDAY'],
    ['FREQ=WEEKLY;BYDAY=MO,', 'BYDAY'],
    ['FREQ=WEEKLY;BYDAY=MO,,FR', 'BYDAY'],
    ['FREQ=WEEKLY;BYDAY=mo', 'BYDAY'],
    ['FREQ=WEEKLY;BYDAY=MON', 'BYDAY'],
    ['FREQ=WEEKLY;BYDAY=MO FR', 'BYDAY'],
    ['FREQ=WEEKLY;BYDAY=1MO', 'BYDAY'],
    ['FREQ=DAILY;BYDAY=-1FR', 'BYDAY'],
    ['FREQ=YEARLY;BYDAY=20MO', 'BYDAY'],
    ['FREQ=MONTHLY;BYDAY=0MO', 'BYDAY'],
    ['FREQ=MONTHLY;BYDAY=6MO', 'BYDAY'],
    ['FREQ=MONTHLY;BYDAY=-6FR', 'BYDAY'],
    ['FREQ=MONTHLY;BYDAY=01MO', 'BYDAY'],
    ['FREQ=MONTHLY;BYDAY=+MO', 'BYDAY'],
    ['FREQ=WEEKLY;BYMONTHDAY=1', 'BYMONTHDAY'],
    ['FREQ=YEARLY;BYMONTHDAY=1', 'BYMONTHDAY'],
    ['FREQ=DAILY;BYMONTHDAY=1', 'BYMONTHDAY'],
    ['FREQ=MONTHLY;BYMONTHDAY=0', 'BYMONTHDAY'],
    ['FREQ=MONTHLY;BYMONTHDAY=32', 'BYMONTHDAY'],
    ['FREQ=MONTHLY;BYMONTHDAY=-32', 'BYMONTHDAY'],
    ['FREQ=MONTHLY;BYMONTHDAY=05', 'BYMONTHDAY'],
    ['FREQ=MONTHLY;BYMONTHDAY=1,', 'BYMONTHDAY'],
    ['FREQ=DAILY;UNTIL=20260230', 'UNTIL'],
    ['FREQ=DAILY;UNTIL=20250229', 'UNTIL'],
    ['FREQ=DAILY;UNTIL=20261301', 'UNTIL'],
    ['FREQ=DAILY;UNTIL=00000101', 'UNTIL'],
    ['FREQ=DAILY;UNTIL=20261203T000000Z', 'UNTIL'],
    ['FREQ=DAILY;UNTIL=2026-12-03', 'UNTIL'],
    ['FREQ=DAILY;UNTIL=2026123', 'UNTIL'],
  ])('then %j is refused naming %s', (input, part) => {
    const result = parseRecurrence(input);
    expect(result).toMatchObject({ ok: false, part });
    if (!result.ok) expect(result.message.length).toBeGreaterThan(0);
  });

  it('then the message says why an RFC part is refused', () => {
    const messageOf = (rule: string) => {
      const result = parseRecurrence(rule);
      return result.ok ? '' : result.message;
    };
    expect(messageOf('FREQ=DAILY;COUNT=3')).toContain('not supported');
    expect(messageOf('FREQ=WEEKLY;BYDAY=1MO')).toContain('FREQ=MONTHLY');
  });
});
