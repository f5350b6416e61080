'use client';

import { useId, useState } from 'react';

import {
  defaultRecurrence,
  FREQUENCIES,
  INTERVAL_MAX,
  ORDINAL_NAMES,
  ORDINALS,
  WEEKDAY_NAMES,
  WEEKDAYS,
  type Frequency,
  type MonthlyRule,
  type Ordinal,
  type Recurrence,
  type Weekday,
} from '../lib/recurrence';

/** No repeat, a rule the picker shows, or a stored rule it cannot show (kept as it is). */
export type RecurrenceValue =
  { kind: 'none' } | { kind: 'rule'; recurrence: Recurrence } | { kind: 'custom'; rule: string };

const UNIT: Record<Frequency, string> = {
  DAILY: 'days',
  WEEKLY: 'weeks',
  MONTHLY: 'months',
  YEARLY: 'years',
};
const FREQUENCY_LABEL: Record<Frequency, string> = {
  DAILY: 'Daily',
  WEEKLY: 'Weekly',
  MONTHLY: 'Monthly',
  YEARLY: 'Yearly',
};

const isFrequency = (value: string): value is Frequency =>
  (FREQUENCIES as readonly string[]).includes(value);
const isWeekday = (value: string): value is Weekday =>
  (WEEKDAYS as readonly string[]).includes(value);
const toOrdinal = (value: string): Ordinal =>
  ORDINALS.find((ordinal) => String(ordinal) === value) ?? 1;

interface Props {
  value: RecurrenceValue;
  onChange: (value: RecurrenceValue) => void;
  /** A repeating task needs a due date: the picker says so when there is none. */
  hasDueDate: boolean;
}

/** The contract's RRULE subset as choices: how often, every how many, which days, until when. */
export function RecurrencePicker({ value, onChange, hasDueDate }: Props) {
  const id = useId();
  const frequency = value.kind === 'rule' ? value.recurrence.frequency : value.kind;
  const setRule = (change: Partial<Recurrence>) => {
    if (value.kind === 'rule')
      onChange({ kind: 'rule', recurrence: { ...value.recurrence, ...change } });
  };

  return (
    <fieldset className="recurrence">
      <legend>Repeat</legend>
      <label>
        Repeats
        <select
          value={frequency === 'none' ? 'none' : frequency === 'custom' ? 'custom' : frequency}
          onChange={(event) => {
            const next = event.target.value;
            if (isFrequency(next)) {
              const kept = value.kind === 'rule' ? value.recurrence : undefined;
              onChange({
                kind: 'rule',
                recurrence: {
                  ...defaultRecurrence(next),
                  ...(kept && { interval: kept.interval, until: kept.until }),
                },
              });
            } else if (next === 'none') onChange({ kind: 'none' });
          }}
        >
          <option value="none">Never</option>
          {FREQUENCIES.map((f) => (
            <option key={f} value={f}>
              {FREQUENCY_LABEL[f]}
            </option>
          ))}
          {value.kind === 'custom' && <option value="custom">Custom: {value.rule}</option>}
        </select>
      </label>
      {value.kind === 'rule' && !hasDueDate && (
        <p className="hint" role="note">
          A repeating task needs a due date: it is the first occurrence.
        </p>
      )}
      {value.kind === 'rule' && (
        <RuleFields id={id} recurrence={value.recurrence} setRule={setRule} />
      )}
    </fieldset>
  );
}

function RuleFields({
  id,
  recurrence,
  setRule,
}: {
  id: string;
  recurrence: Recurrence;
  setRule: (change: Partial<Recurrence>) => void;
}) {
  const { frequency, interval, weekdays, monthly, until } = recurrence;
  // The text as typed: an empty box while typing a new number is not an interval yet.
  const [intervalText, setIntervalText] = useState(String(interval));
  return (
    <div className="stack">
      <label>
        Every how many {UNIT[frequency]}
        <input
          type="number"
          inputMode="numeric"
          min={1}
          max={INTERVAL_MAX}
          required
          value={intervalText}
          onChange={(event) => {
            setIntervalText(event.target.value);
            const next = Number(event.target.value);
            if (Number.isInteger(next) && next >= 1 && next <= INTERVAL_MAX)
              setRule({ interval: next });
          }}
        />
      </label>
      {frequency === 'WEEKLY' && (
        <fieldset className="weekdays">
          <legend>On</legend>
          {WEEKDAYS.map((day) => (
            <label key={day} className="check">
              <input
                type="checkbox"
                checked={weekdays.includes(day)}
                onChange={(event) => {
                  setRule({
                    weekdays: event.target.checked
                      ? [...weekdays, day]
                      : weekdays.filter((d) => d !== day),
                  });
                }}
              />
              {WEEKDAY_NAMES[day]}
            </label>
          ))}
          <p className="hint">None ticked: the due date’s weekday.</p>
        </fieldset>
      )}
      {frequency === 'MONTHLY' && (
        <MonthlyFields
          id={id}
          monthly={monthly}
          onChange={(next) => {
            setRule({ monthly: next });
          }}
        />
      )}
      <label>
        Until (optional)
        <input
          type="date"
          value={until ?? ''}
          onChange={(event) => {
            setRule({ until: event.target.value === '' ? null : event.target.value });
          }}
        />
      </label>
    </div>
  );
}

function MonthlyFields({
  id,
  monthly,
  onChange,
}: {
  id: string;
  monthly: MonthlyRule;
  onChange: (monthly: MonthlyRule) => void;
}) {
  const name = `${id}-monthly`;
  const day = monthly.kind === 'month-day' ? monthly.day : 1;
  const nth =
    monthly.kind === 'nth-weekday' ? monthly : { ordinal: 1 as Ordinal, weekday: 'MO' as Weekday };
  return (
    <fieldset className="monthly">
      <legend>Which day of the month</legend>
      <label className="check">
        <input
          type="radio"
          name={name}
          checked={monthly.kind === 'same-day'}
          onChange={() => {
            onChange({ kind: 'same-day' });
          }}
        />
        The due date’s day
      </label>
      <div className="row">
        <label className="check">
          <input
            type="radio"
            name={name}
            checked={monthly.kind === 'month-day'}
            onChange={() => {
              onChange({ kind: 'month-day', day });
            }}
          />
          Day of the month
        </label>
        <label>
          <span className="visually-hidden">Day of the month</span>
          <select
            value={day}
            disabled={monthly.kind !== 'month-day'}
            onChange={(event) => {
              onChange({ kind: 'month-day', day: Number(event.target.value) });
            }}
          >
            {Array.from({ length: 31 }, (_, i) => i + 1).map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
            <option value={-1}>last</option>
          </select>
        </label>
      </div>
      <div className="row">
        <label className="check">
          <input
            type="radio"
            name={name}
            checked={monthly.kind === 'nth-weekday'}
            onChange={() => {
              onChange({ kind: 'nth-weekday', ...nth });
            }}
          />
          Weekday of the month
        </label>
        <label>
          <span className="visually-hidden">Which one</span>
          <select
            value={nth.ordinal}
            disabled={monthly.kind !== 'nth-weekday'}
            onChange={(event) => {
              onChange({
                kind: 'nth-weekday',
                weekday: nth.weekday,
                ordinal: toOrdinal(event.target.value),
              });
            }}
          >
            {ORDINALS.map((ordinal) => (
              <option key={ordinal} value={ordinal}>
                {ORDINAL_NAMES[ordinal]}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="visually-hidden">Weekday</span>
          <select
            value={nth.weekday}
            disabled={monthly.kind !== 'nth-weekday'}
            onChange={(event) => {
              const weekday = event.target.value;
              if (isWeekday(weekday))
                onChange({ kind: 'nth-weekday', ordinal: nth.ordinal, weekday });
            }}
          >
            {WEEKDAYS.map((weekday) => (
              <option key={weekday} value={weekday}>
                {WEEKDAY_NAMES[weekday]}
              </option>
            ))}
          </select>
        </label>
      </div>
    </fieldset>
  );
}
