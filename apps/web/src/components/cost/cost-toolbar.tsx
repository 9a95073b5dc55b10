'use client';

import { useId, useState } from 'react';

import {
  DIMENSION_NAMES,
  DIMENSIONS,
  FILTERS,
  PERIOD_DAYS,
  type Dimension,
  type ExplorerState,
  type FilterDimension,
  type IdleMode,
} from '../../lib/cost-explorer-state';
import type { Team } from '../../lib/trpc';
import { inputClass } from '../form-field';

const IDLE_CHOICES: { mode: IdleMode; label: string; hint: string }[] = [
  { mode: 'hidden', label: 'Hidden', hint: 'jobs only' },
  { mode: 'separate', label: 'Separate', hint: 'rows of their own' },
  { mode: 'shared', label: 'Shared', hint: 'spread over jobs by cost' },
];
const PART_VALUES = [
  'hardware',
  'energy',
  'operations',
  'storage',
  'bandwidth',
  'idle',
  'shared',
] as const;

const labelClass = 'block text-sm font-medium text-slate-800';

/** Group-by pickers, period, comparison and the idle toggle: everything here lives in the URL. */
export function CostToolbar({
  state,
  member,
  onChange,
}: {
  state: ExplorerState;
  /** A member sees their team's jobs only: no facility-wide idle or shared cost. */
  member: boolean;
  onChange: (patch: Partial<ExplorerState>) => void;
}) {
  const id = useId();
  const [first, second] = state.groupBy;
  const period = state.period;
  return (
    <div className="flex flex-wrap items-end gap-x-5 gap-y-3">
      <div>
        <label htmlFor={`${id}-g1`} className={labelClass}>
          Group by
        </label>
        <select
          id={`${id}-g1`}
          value={first}
          onChange={(e) => {
            const g1 = e.target.value as Dimension;
            onChange({ groupBy: second && second !== g1 ? [g1, second] : [g1], sort: null });
          }}
          className={`${inputClass} mt-1 w-36`}
        >
          {DIMENSIONS.map((d) => (
            <option key={d} value={d}>
              {DIMENSION_NAMES[d]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-g2`} className={labelClass}>
          Then by
        </label>
        <select
          id={`${id}-g2`}
          value={second ?? ''}
          onChange={(e) => {
            const g2 = e.target.value as Dimension | '';
            onChange({ groupBy: g2 ? [first!, g2] : [first!], sort: null });
          }}
          className={`${inputClass} mt-1 w-36`}
        >
          <option value="">Nothing</option>
          {DIMENSIONS.filter((d) => d !== first).map((d) => (
            <option key={d} value={d}>
              {DIMENSION_NAMES[d]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-period`} className={labelClass}>
          Period
        </label>
        <select
          id={`${id}-period`}
          value={period.kind === 'range' ? 'range' : String(period.days)}
          onChange={(e) => {
            const v = e.target.value;
            if (v !== 'range') return onChange({ period: { kind: 'last', days: Number(v) } });
            const today = new Date().toISOString().slice(0, 10);
            const monthAgo = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
            onChange({ period: { kind: 'range', from: monthAgo, to: today } });
          }}
          className={`${inputClass} mt-1 w-40`}
        >
          {PERIOD_DAYS.map((d) => (
            <option key={d} value={d}>
              Last {d} days
            </option>
          ))}
          <option value="range">Dates…</option>
        </select>
      </div>
      {period.kind === 'range' && (
        <>
          <div>
            <label htmlFor={`${id}-from`} className={labelClass}>
              From (UTC)
            </label>
            <input
              id={`${id}-from`}
              type="date"
              value={period.from}
              max={period.to}
              onChange={(e) =>
                e.target.value && onChange({ period: { ...period, from: e.target.value } })
              }
              className={`${inputClass} mt-1 w-40`}
            />
          </div>
          <div>
            <label htmlFor={`${id}-to`} className={labelClass}>
              To (UTC, inclusive)
            </label>
            <input
              id={`${id}-to`}
              type="date"
              value={period.to}
              min={period.from}
              onChange={(e) =>
                e.target.value && onChange({ period: { ...period, to: e.target.value } })
              }
              className={`${inputClass} mt-1 w-40`}
            />
          </div>
        </>
      )}
      <label className="flex items-center gap-2 pb-1.5 text-sm text-slate-800">
        <input
          type="checkbox"
          checked={state.compare}
          onChange={(e) => onChange({ compare: e.target.checked })}
          className="h-4 w-4"
        />
        Compare with the previous period
      </label>
      <fieldset>
        <legend className={labelClass}>Idle capacity and shared costs</legend>
        <div className="mt-1 flex overflow-hidden rounded border border-slate-400">
          {IDLE_CHOICES.map((c) => {
            const disabled = member && c.mode !== 'hidden';
            const checked = state.idle === c.mode;
            return (
              <label
                key={c.mode}
                title={disabled ? 'Facility-wide: shown to admins only' : c.hint}
                className={
                  'flex cursor-pointer items-center gap-1.5 border-r border-slate-300 px-2.5 py-1.5 text-sm last:border-r-0 ' +
                  (checked
                    ? 'bg-brand-50 font-semibold text-brand-700 '
                    : 'bg-white text-slate-800 ') +
                  (disabled ? 'cursor-not-allowed text-slate-500' : '')
                }
              >
                <input
                  type="radio"
                  name={`${id}-idle`}
                  value={c.mode}
                  checked={checked}
                  disabled={disabled}
                  onChange={() => onChange({ idle: c.mode })}
                  className="h-3.5 w-3.5"
                />
                {c.label}
              </label>
            );
          })}
        </div>
        {member && (
          <p className="mt-1 text-xs text-slate-600">
            Facility-wide figures are shown to admins only.
          </p>
        )}
      </fieldset>
    </div>
  );
}

/** The filters in force, each removable, and a small form to add one. */
export function CostFilters({
  state,
  teams,
  member,
  suggestions,
  onChange,
}: {
  state: ExplorerState;
  teams: readonly Team[] | undefined;
  member: boolean;
  /** Values seen in the rows shown, per dimension, offered while typing. */
  suggestions: Partial<Record<FilterDimension, string[]>>;
  onChange: (patch: Partial<ExplorerState>) => void;
}) {
  const id = useId();
  const offered = FILTERS.filter((f) => !(member && f === 'team'));
  const [dimension, setDimension] = useState<FilterDimension>(offered[0]!);
  const [value, setValue] = useState('');
  const teamName = (v: string) => teams?.find((t) => t.id === v)?.name ?? v;
  const chips = FILTERS.flatMap((f) =>
    (state.filters[f] ?? []).map((v) => ({
      f,
      v,
      text: v === null ? '(none)' : f === 'team' ? teamName(v) : v,
    })),
  );
  const remove = (f: FilterDimension, v: string | null) => {
    const left = (state.filters[f] ?? []).filter((x) => x !== v);
    onChange({ filters: { ...state.filters, [f]: left.length ? left : undefined } });
  };
  const add = () => {
    const v = value.trim();
    if (!v) return;
    const current = state.filters[dimension] ?? [];
    if (!current.includes(v))
      onChange({ filters: { ...state.filters, [dimension]: [...current, v] } });
    setValue('');
  };
  const listId = `${id}-values`;

  return (
    <div className="flex flex-wrap items-end gap-x-4 gap-y-2">
      <div className="min-w-0">
        <p className={labelClass}>Filters</p>
        <ul
          className="mt-1 flex min-h-8 flex-wrap items-center gap-1.5"
          aria-label="Filters in force"
        >
          {chips.length === 0 && <li className="text-sm text-slate-600">None: everything</li>}
          {chips.map(({ f, v, text }) => (
            <li
              key={`${f}:${v}`}
              className="flex items-center gap-1 rounded-full border border-slate-300 bg-slate-50 py-0.5 pl-2.5 pr-1 text-sm"
            >
              <span className="text-slate-600">{DIMENSION_NAMES[f]}:</span> {text}
              <button
                type="button"
                onClick={() => remove(f, v)}
                aria-label={`Remove filter ${DIMENSION_NAMES[f]} ${text}`}
                className="ml-0.5 rounded-full px-1.5 text-slate-700 hover:bg-slate-200"
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      </div>
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          add();
        }}
      >
        <div>
          <label htmlFor={`${id}-dim`} className="block text-xs font-medium text-slate-700">
            Add a filter on
          </label>
          <select
            id={`${id}-dim`}
            value={dimension}
            onChange={(e) => {
              setDimension(e.target.value as FilterDimension);
              setValue('');
            }}
            className={`${inputClass} mt-1 w-32`}
          >
            {offered.map((f) => (
              <option key={f} value={f}>
                {DIMENSION_NAMES[f]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-value`} className="block text-xs font-medium text-slate-700">
            Value
          </label>
          {dimension === 'team' || dimension === 'part' ? (
            <select
              id={`${id}-value`}
              value={value}
              onChange={(e) => setValue(e.target.value)}
              className={`${inputClass} mt-1 w-40`}
            >
              <option value="">Choose…</option>
              {dimension === 'team'
                ? teams?.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.name}
                    </option>
                  ))
                : PART_VALUES.map((p) => (
                    <option key={p} value={p}>
                      {p}
                    </option>
                  ))}
            </select>
          ) : (
            <>
              <input
                id={`${id}-value`}
                value={value}
                list={listId}
                onChange={(e) => setValue(e.target.value)}
                className={`${inputClass} mt-1 w-40`}
              />
              <datalist id={listId}>
                {(suggestions[dimension] ?? []).map((s) => (
                  <option key={s} value={s} />
                ))}
              </datalist>
            </>
          )}
        </div>
        <button
          type="submit"
          disabled={!value.trim()}
          className="rounded border border-slate-400 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100 disabled:text-slate-500"
        >
          Add
        </button>
      </form>
    </div>
  );
}
