// Hand-worked next-occurrence cases. Every expected date below was worked
// out from RFC 5545 §3.3.10 and a calendar, not taken from a library.
// Weekdays used: 2026-11-30 Mon, 2026-12-01 Tue, 2026-12-25 Fri,
// 2027-01-01 Fri, 2028-01-01 Sat.
// Shared by recurrence.test.ts (vitest) and run-cases.mjs (plain Node).
export interface Case {
  rule: string;
  due: string;
  next: string | null;
}

export const cases: Case[] = [
  // --- the contract ---
  // DTSTART day 31; MONTHLY keeps day 31; February has none, and RFC 5545
  // ignores invalid dates (no clamping to the 28th), so March 31.
  { rule: 'FREQ=MONTHLY', due: '2026-01-31', next: '2026-03-31' },
  // Week Mon 11-30..Sun 12-06 holds MO 11-30 (before DTSTART) and FR 12-04.
  { rule: 'FREQ=WEEKLY;BYDAY=MO,FR', due: '2026-12-01', next: '2026-12-04' },
  // 12-01, 12-04, ...; 12-04 > UNTIL 12-03, so the series is complete.
  { rule: 'FREQ=DAILY;INTERVAL=3;UNTIL=20261203', due: '2026-12-01', next: null },

  // --- month ends ---
  // Day 30: February 2026 has 28 days, skipped; March 30.
  { rule: 'FREQ=MONTHLY', due: '2026-01-30', next: '2026-03-30' },
  // Day 31: April has 30 days, skipped; May 31.
  { rule: 'FREQ=MONTHLY', due: '2026-03-31', next: '2026-05-31' },
  // BYMONTHDAY=-1 is the last day of each month: Feb 2026 ends on the 28th.
  { rule: 'FREQ=MONTHLY;BYMONTHDAY=-1', due: '2026-01-31', next: '2026-02-28' },
  // 2028 is a leap year, so the last day of February is the 29th.
  { rule: 'FREQ=MONTHLY;BYMONTHDAY=-1', due: '2028-01-31', next: '2028-02-29' },
  // From Feb 28 (itself the last day): the next last day is March 31.
  { rule: 'FREQ=MONTHLY;BYMONTHDAY=-1', due: '2026-02-28', next: '2026-03-31' },
  // BYMONTHDAY=31 only exists in 31-day months: April skipped, May 31.
  { rule: 'FREQ=MONTHLY;BYMONTHDAY=31', due: '2026-03-31', next: '2026-05-31' },
  // DTSTART need not match: the January set {Jan 31} is after Jan 15.
  { rule: 'FREQ=MONTHLY;BYMONTHDAY=31', due: '2026-01-15', next: '2026-01-31' },
  // -31 is day 1 only in 31-day months: Feb (28 days) has no -31; March 1.
  { rule: 'FREQ=MONTHLY;BYMONTHDAY=-31', due: '2026-01-01', next: '2026-03-01' },
  // Days 31 and last day: in February only -1 exists -> Feb 28.
  { rule: 'FREQ=MONTHLY;BYMONTHDAY=31,-1', due: '2026-02-01', next: '2026-02-28' },

  // --- 29 February ---
  // YEARLY repeats Feb 29; 2025-2027 have none (skipped, not moved to
  // Feb 28 or Mar 1); 2028 is leap.
  { rule: 'FREQ=YEARLY', due: '2024-02-29', next: '2028-02-29' },
  // Day 29: Feb 2027 has 28 days, skipped; March 29.
  { rule: 'FREQ=MONTHLY;BYMONTHDAY=29', due: '2027-01-29', next: '2027-03-29' },
  // Leap February has a 29th.
  { rule: 'FREQ=MONTHLY;BYMONTHDAY=29', due: '2028-01-29', next: '2028-02-29' },
  // Every 3rd year from 2024: 2027, 2030, 2033 not leap; 2036 is.
  { rule: 'FREQ=YEARLY;INTERVAL=3', due: '2024-02-29', next: '2036-02-29' },
  // Every 100th year from 2000: 2100, 2200, 2300 are not leap (century
  // not divisible by 400); 2400 is.
  { rule: 'FREQ=YEARLY;INTERVAL=100', due: '2000-02-29', next: '2400-02-29' },
  // Every 999th year from 0004: 1003, 2002, 3001 not leap; 4000 is.
  { rule: 'FREQ=YEARLY;INTERVAL=999', due: '0004-02-29', next: '4000-02-29' },
  // Every 4th year from 2096: 2100 is not leap; 2104 is.
  { rule: 'FREQ=YEARLY;INTERVAL=4', due: '2096-02-29', next: '2104-02-29' },
  // Not a leap-day case: Feb 28 exists every year.
  { rule: 'FREQ=YEARLY', due: '2023-02-28', next: '2024-02-28' },

  // --- ordinal BYDAY (MONTHLY) ---
  // Fridays in Dec 2026: 4, 11, 18, 25; the last is the 25th.
  { rule: 'FREQ=MONTHLY;BYDAY=-1FR', due: '2026-12-01', next: '2026-12-25' },
  // Fridays in Jan 2027: 1, 8, 15, 22, 29; the last is the 29th.
  { rule: 'FREQ=MONTHLY;BYDAY=-1FR', due: '2026-12-25', next: '2027-01-29' },
  // Mondays in Dec 2026: 7, 14, 21, 28; the first is the 7th.
  { rule: 'FREQ=MONTHLY;BYDAY=1MO', due: '2026-12-01', next: '2026-12-07' },
  // Jan 2027 starts on Friday; its first Monday is the 4th.
  { rule: 'FREQ=MONTHLY;BYDAY=1MO', due: '2026-12-07', next: '2027-01-04' },
  // Tuesdays in Dec 2026: 1, 8, 15, 22, 29; 2nd = 8th, 4th = 22nd.
  { rule: 'FREQ=MONTHLY;BYDAY=2TU,4TU', due: '2026-12-01', next: '2026-12-08' },
  { rule: 'FREQ=MONTHLY;BYDAY=2TU,4TU', due: '2026-12-08', next: '2026-12-22' },
  // Tuesdays in Jan 2027: 5, 12, 19, 26; the 2nd is the 12th.
  { rule: 'FREQ=MONTHLY;BYDAY=2TU,4TU', due: '2026-12-22', next: '2027-01-12' },
  // Dec 2026 has only four Fridays, so no 5th; Jan 2027 has five (1..29).
  { rule: 'FREQ=MONTHLY;BYDAY=5FR', due: '2026-12-01', next: '2027-01-29' },
  // No ordinal in MONTHLY = every Monday of the month.
  { rule: 'FREQ=MONTHLY;BYDAY=MO', due: '2026-12-01', next: '2026-12-07' },
  // BYDAY is a union: every Monday plus the last Friday -> Monday 12-07.
  { rule: 'FREQ=MONTHLY;BYDAY=MO,-1FR', due: '2026-12-01', next: '2026-12-07' },
  // Union of the first Monday (12-07) and every Friday (12-04).
  { rule: 'FREQ=MONTHLY;BYDAY=1MO,FR', due: '2026-12-01', next: '2026-12-04' },
  // Only February can have a 5th Monday (every 28 years or so, when a leap
  // February starts on Monday): 2044-02-01 is a Monday -> 2044-02-29.
  { rule: 'FREQ=MONTHLY;INTERVAL=12;BYDAY=5MO', due: '2026-02-01', next: '2044-02-29' },
  // With BYMONTHDAY, BYDAY limits: the first Monday that is on day 1..7.
  {
    rule: 'FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=1,2,3,4,5,6,7',
    due: '2026-12-01',
    next: '2026-12-07',
  },

  // --- WEEKLY and INTERVAL (weeks start on Monday: WKST is not in the subset) ---
  // Week of DTSTART (11-30..12-06) is an "on" week: Friday 12-04.
  { rule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR', due: '2026-12-01', next: '2026-12-04' },
  // From Fri 12-04 the week is used up; next "on" week starts 12-14.
  { rule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR', due: '2026-12-04', next: '2026-12-14' },
  // Sunday 12-06 belongs to the week of Mon 11-30 (WKST=MO), so Mon 12-07
  // is in an "off" week; next is Mon 12-14. (With WKST=SU it would be 12-07.)
  { rule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR', due: '2026-12-06', next: '2026-12-14' },
  // No BYDAY: the weekday of DTSTART (Tuesday), every 2 weeks.
  { rule: 'FREQ=WEEKLY;INTERVAL=2', due: '2026-12-01', next: '2026-12-15' },
  { rule: 'FREQ=WEEKLY', due: '2026-12-01', next: '2026-12-08' },
  { rule: 'FREQ=WEEKLY;BYDAY=TU', due: '2026-12-01', next: '2026-12-08' },
  // 999 weeks after the week of 11-30 starts 2046-01-22 (a Monday).
  { rule: 'FREQ=WEEKLY;INTERVAL=999;BYDAY=MO', due: '2026-12-01', next: '2046-01-22' },

  // --- MONTHLY with INTERVAL and BYMONTHDAY ---
  // January is an "on" month: the 31st is after the 20th.
  { rule: 'FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15,-1', due: '2026-01-20', next: '2026-01-31' },
  // January used up; next "on" month is March: the 15th.
  { rule: 'FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15,-1', due: '2026-01-31', next: '2026-03-15' },
  // "On" months Apr, Jun, Aug: only August has a 31st.
  { rule: 'FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=31', due: '2026-04-30', next: '2026-08-31' },
  // "On" months Dec 2027, Feb 2028, Apr 2028: Feb 2028 has 29 days only.
  { rule: 'FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=30', due: '2027-12-30', next: '2028-04-30' },

  // --- UNTIL is inclusive ---
  { rule: 'FREQ=DAILY;INTERVAL=3;UNTIL=20261204', due: '2026-12-01', next: '2026-12-04' },
  { rule: 'FREQ=WEEKLY;UNTIL=20261208', due: '2026-12-01', next: '2026-12-08' },
  // Next would be Jan 31 > UNTIL Jan 30.
  { rule: 'FREQ=MONTHLY;UNTIL=20270130', due: '2026-12-31', next: null },
  // UNTIL before DTSTART: empty series (not an error).
  { rule: 'FREQ=DAILY;UNTIL=20260101', due: '2026-12-01', next: null },

  // --- YEARLY with BYDAY (no BYMONTH/BYWEEKNO): every such weekday of the year ---
  { rule: 'FREQ=YEARLY;BYDAY=MO', due: '2026-12-01', next: '2026-12-07' },
  // Across the year end: 2027-01-04 is the first Monday of 2027.
  { rule: 'FREQ=YEARLY;BYDAY=MO', due: '2026-12-28', next: '2027-01-04' },
  // 2027 is "off"; 2028 starts on Saturday, its first Monday is Jan 3.
  { rule: 'FREQ=YEARLY;INTERVAL=2;BYDAY=MO', due: '2026-12-28', next: '2028-01-03' },
  { rule: 'FREQ=YEARLY', due: '2026-12-01', next: '2027-12-01' },

  // --- DAILY with BYDAY (a filter) ---
  { rule: 'FREQ=DAILY;BYDAY=MO,WE,FR', due: '2026-12-01', next: '2026-12-02' },
  // Every 2nd day from Tue 12-01: Thu 3, Sat 5, Mon 7.
  { rule: 'FREQ=DAILY;INTERVAL=2;BYDAY=MO', due: '2026-12-01', next: '2026-12-07' },
  // From Mon 12-07: 9 We, 11 Fr, 13 Su, 15 Tu, 17 Th, 19 Sa, 21 Mo.
  { rule: 'FREQ=DAILY;INTERVAL=2;BYDAY=MO', due: '2026-12-07', next: '2026-12-21' },
  // 999 = 7*142 + 5: each step moves the weekday 5 ahead; Tue + 5k = Mon
  // at k = 4, i.e. 3996 days later: 2037-11-09 (a Monday).
  { rule: 'FREQ=DAILY;INTERVAL=999;BYDAY=MO', due: '2026-12-01', next: '2037-11-09' },
  { rule: 'FREQ=DAILY', due: '2026-12-31', next: '2027-01-01' },

  // --- sparse rules ---
  // 31st that is a Monday: Dec 31 2026 Thu, Jan 31 2027 Sun, Mar 31 Wed,
  // May 31 2027 Mon.
  { rule: 'FREQ=MONTHLY;BYDAY=MO;BYMONTHDAY=31', due: '2026-12-01', next: '2027-05-31' },
  // Friday the 13th: 13ths from Dec 2026 fall Sun, Wed, Sat, Sat, Tue, Thu,
  // Sun, Tue, then Aug 13 2027 is a Friday.
  { rule: 'FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13', due: '2026-12-01', next: '2027-08-13' },

  // --- rules that never occur again (must terminate) ---
  // Every 7th day is always a Tuesday, never a Saturday.
  { rule: 'FREQ=DAILY;INTERVAL=7;BYDAY=SA', due: '2026-12-01', next: null },
  // Every 12th month is always April, which has no 31st.
  { rule: 'FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=31', due: '2026-04-15', next: null },
  // Only February is visited, and no February has a 30th.
  { rule: 'FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=30', due: '2026-02-01', next: null },
  // The first Monday is on day 1..7, never on the 15th.
  { rule: 'FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=15', due: '2026-01-01', next: null },
  // A 5th Monday is on day 29..31, never on the 1st (and from year 1).
  { rule: 'FREQ=MONTHLY;BYDAY=5MO;BYMONTHDAY=1', due: '0001-01-01', next: null },

  // --- the calendar's ends: years 0001-9999 ---
  { rule: 'FREQ=YEARLY', due: '9999-12-31', next: null },
  { rule: 'FREQ=DAILY', due: '9999-12-31', next: null },
  { rule: 'FREQ=MONTHLY', due: '9999-11-30', next: '9999-12-30' },
  // 9996 + 999 is past 9999.
  { rule: 'FREQ=YEARLY;INTERVAL=999', due: '9996-02-29', next: null },
  { rule: 'FREQ=DAILY', due: '0001-01-01', next: '0001-01-02' },
  { rule: 'FREQ=YEARLY', due: '0050-06-15', next: '0051-06-15' },
];
