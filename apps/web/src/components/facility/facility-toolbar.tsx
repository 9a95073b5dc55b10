'use client';

import type { ReactNode } from 'react';

import { FACILITY_WINDOWS, WINDOW_LABELS, type FacilityWindow } from '../../lib/facility-window';
import { inputClass } from '../form-field';

export type SiteOption = { id: string; name: string; gridZone: string | null; nodes: number };

/** A segmented choice: radio buttons that look like a button group (keyboard: arrows). */
export function Segmented<T extends string>({
  legend,
  name,
  value,
  options,
  onChange,
}: {
  legend: string;
  name: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
}) {
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      <div className="mt-1 inline-flex overflow-hidden rounded border border-slate-300 bg-white text-sm">
        {options.map((o) => (
          <label
            key={o.value}
            className={
              'cursor-pointer border-l border-slate-300 px-3 py-1.5 first:border-l-0 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-brand-600 ' +
              (o.value === value
                ? 'bg-brand-700 font-medium text-white'
                : 'text-slate-800 hover:bg-slate-100')
            }
          >
            <input
              type="radio"
              name={name}
              value={o.value}
              checked={o.value === value}
              onChange={() => onChange(o.value)}
              className="sr-only"
            />
            {o.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** Site and time window, and whatever else a page adds (time zone, colour). */
export function FacilityToolbar({
  idPrefix,
  window,
  onWindowChange,
  sites,
  site,
  onSiteChange,
  children,
}: {
  idPrefix: string;
  window: FacilityWindow;
  onWindowChange: (w: FacilityWindow) => void;
  sites: readonly SiteOption[] | undefined;
  site: string | undefined;
  onSiteChange: (id: string) => void;
  children?: ReactNode;
}) {
  return (
    <div className="flex flex-wrap items-end gap-4">
      <Segmented
        legend="Window"
        name={`${idPrefix}-window`}
        value={window}
        options={FACILITY_WINDOWS.map((w) => ({ value: w, label: WINDOW_LABELS[w] }))}
        onChange={onWindowChange}
      />
      {sites && sites.length > 1 && (
        <div>
          <label htmlFor={`${idPrefix}-site`} className="block text-sm font-medium text-slate-800">
            Site
          </label>
          <select
            id={`${idPrefix}-site`}
            value={site ?? ''}
            onChange={(e) => onSiteChange(e.target.value)}
            className={`${inputClass} mt-1 w-56`}
          >
            {sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
                {s.gridZone ? ` (${s.gridZone})` : ''} · {s.nodes} nodes
              </option>
            ))}
          </select>
        </div>
      )}
      {children}
    </div>
  );
}

/** A button that saves what the page shows as CSV. */
export function CsvButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button
      type="button"
      onClick={onClick}
      className="rounded border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100"
    >
      {label}
    </button>
  );
}

/** A headline figure with its Explain button. */
export function Stat({
  label,
  value,
  explain,
  testId,
  detail,
}: {
  label: string;
  value: ReactNode;
  explain?: ReactNode;
  testId?: string;
  detail?: ReactNode;
}) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-3">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</dt>
      <dd className="mt-1 flex items-center gap-2">
        <span data-testid={testId} className="text-lg font-semibold tabular-nums">
          {value}
        </span>
        {explain}
      </dd>
      {detail && <dd className="mt-0.5 text-xs text-slate-600">{detail}</dd>}
    </div>
  );
}
