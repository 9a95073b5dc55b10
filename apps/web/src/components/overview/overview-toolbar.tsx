'use client';

import { useState, type FormEvent } from 'react';

import {
  hourlyAllowed,
  OVERVIEW_WINDOWS,
  WINDOW_LABELS,
  type Granularity,
  type OverviewView,
  type OverviewWindow,
} from '../../lib/overview-window';
import { inputClass } from '../form-field';

const segment = (pressed: boolean) =>
  'px-3 py-1.5 text-sm font-medium first:rounded-l last:rounded-r border border-slate-300 -ml-px first:ml-0 ' +
  (pressed
    ? 'bg-brand-700 text-white border-brand-700'
    : 'bg-white text-slate-800 hover:bg-slate-100');

/** Window presets, a custom range of UTC days, the granularity, and the CSV of what is shown. */
export function OverviewToolbar({
  view,
  onChange,
  onDownload,
}: {
  view: OverviewView;
  onChange: (next: {
    window?: OverviewWindow;
    granularity?: Granularity;
    fromDay?: string;
    toDay?: string;
  }) => void;
  onDownload: (() => void) | null;
}) {
  const [customOpen, setCustomOpen] = useState(view.window === 'custom');
  const [fromDay, setFromDay] = useState(view.fromDay);
  const [toDay, setToDay] = useState(view.toDay);
  const pressed = (w: OverviewWindow) =>
    w === 'custom' ? customOpen : !customOpen && view.window === w;
  const applyCustom = (e: FormEvent) => {
    e.preventDefault();
    onChange({ window: 'custom', fromDay, toDay });
  };

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-4">
        <div role="group" aria-label="Time window" className="flex">
          {OVERVIEW_WINDOWS.map((w) => (
            <button
              key={w}
              type="button"
              aria-pressed={pressed(w)}
              onClick={() => {
                if (w === 'custom') setCustomOpen(true);
                else {
                  setCustomOpen(false);
                  onChange({ window: w });
                }
              }}
              className={segment(pressed(w))}
            >
              {WINDOW_LABELS[w]}
            </button>
          ))}
        </div>
        <div role="group" aria-label="Granularity" className="flex">
          {(['hour', 'day'] as const).map((g) => (
            <button
              key={g}
              type="button"
              aria-pressed={view.granularity === g}
              disabled={g === 'hour' && !hourlyAllowed(view)}
              onClick={() => onChange({ granularity: g })}
              className={`${segment(view.granularity === g)} disabled:cursor-not-allowed disabled:opacity-60`}
            >
              {g === 'hour' ? 'By hour' : 'By day'}
            </button>
          ))}
        </div>
        <button
          type="button"
          onClick={onDownload ?? undefined}
          disabled={!onDownload}
          className="rounded border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100 disabled:cursor-not-allowed disabled:opacity-60"
        >
          Download CSV
        </button>
      </div>
      {customOpen && (
        <form
          onSubmit={applyCustom}
          className="flex flex-wrap items-end gap-3"
          aria-label="Custom window"
        >
          <div>
            <label htmlFor="overview-from" className="block text-sm font-medium text-slate-800">
              From (UTC day)
            </label>
            <input
              id="overview-from"
              type="date"
              required
              value={fromDay}
              onChange={(e) => setFromDay(e.target.value)}
              className={`${inputClass} mt-1`}
            />
          </div>
          <div>
            <label htmlFor="overview-to" className="block text-sm font-medium text-slate-800">
              To (UTC day, included)
            </label>
            <input
              id="overview-to"
              type="date"
              required
              value={toDay}
              onChange={(e) => setToDay(e.target.value)}
              className={`${inputClass} mt-1`}
            />
          </div>
          <button
            type="submit"
            className="rounded bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-600"
          >
            Show
          </button>
        </form>
      )}
      {view.problem && (
        <p role="alert" className="text-sm text-red-800">
          The link’s custom window was not shown ({view.problem}); showing the last 30 days.
        </p>
      )}
    </div>
  );
}
