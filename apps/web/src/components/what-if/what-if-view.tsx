'use client';

import { InputError, findAccelerator, type TcoResult } from '@wattwise/cost-model';
import { useSearchParams } from 'next/navigation';
import { memo, useDeferredValue, useMemo, useState } from 'react';

import { sig } from '../../lib/estimate-params';
import {
  BASELINE_SETTINGS,
  HOURS_IN_BASELINE,
  LEVER_ACCELERATORS,
  LEVER_SETTINGS,
  activeLevers,
  baselineFacility,
  searchFromWhatIfState,
  waterfall,
  waterfallAxisStart,
  whatIfStateFromSearch,
  type WhatIfState,
} from '../../lib/what-if-params';
import { LazyWaterfallChart } from '../charts/waterfall-lazy';
import { Explain, type ExplainInput } from '../explain';
import { inputClass } from '../form-field';

const money = (x: number) => `${sig(x)} USD`;
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 3 });
const short = (x: number) => compact.format(x);
const signed = (x: number) => (x > 0 ? `+${short(x)}` : x < 0 ? `−${short(-x)}` : '0');
const signedMoney = (x: number) => `${x > 0 ? '+' : x < 0 ? '−' : ''}${sig(Math.abs(x))} USD`;

function partInputs(r: TcoResult): ExplainInput[] {
  return [
    {
      name: 'Hardware (depreciation)',
      value: money(r.parts.hardware),
      source: {
        label: 'rated',
        note: 'catalogue GPU price estimates plus the host price, straight line over the amortisation years',
      },
    },
    {
      name: 'Energy',
      value: money(r.parts.energy),
      source: {
        label: 'modelled',
        note: `IT power (idle + utilisation × (busy − idle) + host, per GPU) × hours × PUE × price; ${sig(r.facilityEnergyKWh / 1000)} MWh at the meter`,
      },
    },
    {
      name: 'Operations',
      value: money(r.parts.operations),
      source: { label: 'modelled', note: 'staff FTE × cost per FTE-year × (1 − automated share)' },
    },
    {
      name: 'Storage',
      value: money(r.parts.storage),
      source: {
        label: 'modelled',
        note: 'TB per tier ÷ compression × price per TB-month × months',
      },
    },
    {
      name: 'Bandwidth',
      value: money(r.parts.bandwidth),
      source: {
        label: 'modelled',
        note: 'egress TB × (1 − CDN share) × price + CDN TB × CDN price',
      },
    },
  ];
}

/** Levers as sliders over an illustrative baseline, and the waterfall from one total to the other. */
export function WhatIfView() {
  const params = useSearchParams();
  const [state, setState] = useState<WhatIfState>(() => whatIfStateFromSearch(params));

  const update = (next: WhatIfState) => {
    setState(next);
    const query = searchFromWhatIfState(next);
    // Native history integrates with the app router without a server round trip: sliders stay instant.
    window.history.replaceState(null, '', query ? `?${query}` : window.location.pathname);
  };
  const setBaseline = (key: string, value: number) =>
    update({ ...state, baseline: { ...state.baseline, [key]: value } });
  const setLever = (key: string, value: number | undefined) => {
    const levers = { ...state.levers };
    if (value === undefined) delete levers[key];
    else levers[key] = value;
    update({ ...state, levers });
  };

  // The sliders follow the pointer at once; the totals, chart and table follow as soon as React can.
  const computed = useDeferredValue(state);
  const outcome = useMemo(() => {
    try {
      return {
        ok: true as const,
        w: waterfall(baselineFacility(computed), activeLevers(computed)),
      };
    } catch (err) {
      if (err instanceof InputError) return { ok: false as const, message: err.message };
      throw err;
    }
  }, [computed]);

  const baseAcc = findAccelerator(state.gpu);

  return (
    <div className="grid gap-6 xl:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
      <div className="min-w-0 space-y-6">
        <section
          aria-labelledby="levers-heading"
          className="rounded-lg border border-slate-200 bg-white p-5"
        >
          <h2 id="levers-heading" className="text-base font-semibold">
            Levers
          </h2>
          <p className="mt-1 text-xs text-slate-600">
            Tick a lever or move its slider to apply it. Levers apply in this order; each is
            cost-model&apos;s whatif lever of the same name.
          </p>
          <ul className="mt-4 space-y-4">
            {LEVER_SETTINGS.map((s) => {
              const on = state.levers[s.key] !== undefined;
              const value = state.levers[s.key] ?? s.fallback;
              const id = `lever-${s.key}`;
              return (
                <li key={s.key}>
                  <div className="flex flex-wrap items-center justify-between gap-2">
                    <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
                      <input
                        type="checkbox"
                        checked={on}
                        aria-label={`Apply the ${s.label} lever`}
                        onChange={(e) => setLever(s.key, e.target.checked ? value : undefined)}
                        className="h-4 w-4 accent-brand-600"
                      />
                      {s.label}
                    </label>
                    <output
                      htmlFor={id}
                      className={`text-sm tabular-nums ${on ? 'font-semibold text-ink' : 'text-slate-600'}`}
                    >
                      {on ? s.show(value) : 'off'}
                    </output>
                  </div>
                  <input
                    id={id}
                    type="range"
                    aria-label={`${s.label} lever setting`}
                    aria-describedby={`${id}-note`}
                    aria-valuetext={s.show(value)}
                    min={s.min}
                    max={s.max}
                    step={s.step}
                    value={value}
                    onChange={(e) => setLever(s.key, Number(e.target.value))}
                    className={`mt-1 w-full accent-brand-600 ${on ? '' : 'opacity-50'}`}
                  />
                  <p id={`${id}-note`} className="text-xs text-slate-600">
                    {s.note}
                  </p>
                </li>
              );
            })}
            <li>
              <label htmlFor="lever-hw" className="text-sm font-medium text-slate-800">
                Newer hardware (same work on fewer accelerators)
              </label>
              <select
                id="lever-hw"
                value={state.hardware ?? ''}
                onChange={(e) => update({ ...state, hardware: e.target.value || null })}
                className={`${inputClass} mt-1`}
              >
                <option value="">Off: keep {baseAcc.name}</option>
                {LEVER_ACCELERATORS.filter((a) => a.id !== state.gpu).map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
              <p className="mt-1 text-xs text-slate-600">
                bf16 peak ratio; catalogue prices and TDP
              </p>
            </li>
          </ul>
          <button
            type="button"
            onClick={() => update({ ...state, levers: {}, hardware: null })}
            className="mt-4 rounded border border-slate-300 px-2.5 py-1 text-sm text-slate-800 hover:bg-slate-100"
          >
            Reset levers
          </button>
        </section>

        <details className="rounded-lg border border-slate-200 bg-white p-5">
          <summary className="cursor-pointer text-base font-semibold">
            Baseline: {sig(state.baseline.servers ?? 0)} × 8 {baseAcc.name}, 30 days
          </summary>
          <p className="mt-2 text-xs text-slate-600">
            An illustrative facility until this page reads a site from the server. Energy, carbon,
            PUE and amortisation default to cost-model&apos;s ESTIMATE_DEFAULTS; utilisation and
            amortisation years are set here (cost-model has no lever for them).
          </p>
          <div className="mt-4 grid gap-4 sm:grid-cols-2">
            <div>
              <label htmlFor="base-gpu" className="block text-sm font-medium text-slate-800">
                Accelerator
              </label>
              <select
                id="base-gpu"
                value={state.gpu}
                onChange={(e) =>
                  update({
                    ...state,
                    gpu: e.target.value,
                    hardware: state.hardware === e.target.value ? null : state.hardware,
                  })
                }
                className={`${inputClass} mt-1`}
              >
                {LEVER_ACCELERATORS.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
            </div>
            {BASELINE_SETTINGS.map((s) => (
              <div key={s.key}>
                <label
                  htmlFor={`base-${s.key}`}
                  className="block text-sm font-medium text-slate-800"
                >
                  {s.label}
                  {s.unit && s.unit !== 'share' ? (
                    <span className="font-normal text-slate-600"> ({s.unit})</span>
                  ) : null}
                </label>
                <input
                  id={`base-${s.key}`}
                  type="number"
                  min={s.min}
                  max={s.max}
                  step={s.step}
                  value={state.baseline[s.key] ?? s.fallback}
                  aria-describedby={`base-${s.key}-note`}
                  onChange={(e) => {
                    const v = e.target.valueAsNumber;
                    if (Number.isFinite(v)) setBaseline(s.key, Math.min(s.max, Math.max(s.min, v)));
                  }}
                  className={`${inputClass} mt-1`}
                />
                <p id={`base-${s.key}-note`} className="mt-1 text-xs text-slate-600">
                  {s.note}
                </p>
              </div>
            ))}
          </div>
        </details>
      </div>

      <div className="min-w-0 space-y-6">
        {outcome.ok ? (
          <Results w={outcome.w} />
        ) : (
          <p
            role="alert"
            className="rounded-lg border border-red-300 bg-red-50 p-4 text-sm text-red-900"
          >
            cost-model refused these settings: {outcome.message}
          </p>
        )}
      </div>
    </div>
  );
}

/** Memoised: an urgent render (the slider moving) leaves it alone until the deferred result is ready. */
const Results = memo(function Results({ w }: { w: ReturnType<typeof waterfall> }) {
  const { baseline, scenario, delta } = w.result;
  const axisStart = waterfallAxisStart([baseline.total, ...w.steps.map((s) => s.after)]);
  const bars = [
    { name: 'Baseline', from: axisStart, to: baseline.total, kind: 'total' as const },
    ...w.steps.map((s, i) => ({
      name: s.short,
      from: i === 0 ? baseline.total : w.steps[i - 1]!.after,
      to: s.after,
      kind: s.delta < 0 ? ('down' as const) : ('up' as const),
    })),
    { name: 'With levers', from: axisStart, to: scenario.total, kind: 'total' as const },
  ];
  const pct = baseline.total > 0 ? (delta.total / baseline.total) * 100 : 0;
  const headline = [
    {
      id: 'baseline-total',
      name: 'Baseline, 30 days',
      value: baseline.total,
      text: money(baseline.total),
      explain: (
        <Explain
          title="Baseline cost, 30 days"
          value={money(baseline.total)}
          formula="hardware + energy + operations + storage + bandwidth over 30 days (720 hours); cost-model facilityTco, energy integrated hour by hour"
          label="modelled"
          inputs={partInputs(baseline)}
        />
      ),
    },
    {
      id: 'scenario-total',
      name: 'With the levers',
      value: scenario.total,
      text: money(scenario.total),
      explain: (
        <Explain
          title="Cost with the levers, 30 days"
          value={money(scenario.total)}
          formula="the baseline with every lever applied in order, then facilityTco; equals the baseline plus the waterfall's steps"
          label="modelled"
          inputs={[
            { name: 'Baseline', value: money(baseline.total) },
            ...w.steps.map((s) => ({
              name: s.label,
              value: signedMoney(s.delta),
              source: { label: 'modelled' as const, note: s.why },
            })),
            ...partInputs(scenario),
          ]}
        />
      ),
    },
    {
      id: 'delta-total',
      name: 'Change',
      value: delta.total,
      text: `${signedMoney(delta.total)} (${pct > 0 ? '+' : ''}${pct.toFixed(1)} %)`,
      explain: (
        <Explain
          title="Change in cost, 30 days"
          value={signedMoney(delta.total)}
          formula="scenario total − baseline total (negative is a saving)"
          label="modelled"
          inputs={[
            { name: 'Baseline', value: money(baseline.total) },
            { name: 'With the levers', value: money(scenario.total) },
          ]}
        />
      ),
    },
  ];
  const carbon = [
    {
      id: 'energy',
      name: 'Facility energy',
      unit: 'MWh',
      base: baseline.facilityEnergyKWh / 1000,
      scen: scenario.facilityEnergyKWh / 1000,
      formula: 'IT kWh × PUE, hour by hour',
      label: 'modelled' as const,
    },
    {
      id: 'location-co2e',
      name: 'CO2e, location-based',
      unit: 't',
      base: baseline.co2e.locationKg / 1000,
      scen: scenario.co2e.locationKg / 1000,
      formula: 'facility kWh × grid intensity (kgCO2e/kWh), hour by hour',
      label: 'modelled' as const,
    },
    {
      id: 'market-co2e',
      name: 'CO2e, market-based',
      unit: 't',
      base: baseline.co2e.marketKg / 1000,
      scen: scenario.co2e.marketKg / 1000,
      formula:
        '(1 − renewable share) × location-based CO2e (no residual mix given, so the grid average stands in, as the GHG Protocol allows)',
      label: 'modelled' as const,
    },
  ];

  return (
    <>
      <section
        aria-labelledby="totals-heading"
        className="rounded-lg border border-slate-200 bg-white p-5"
      >
        <h2 id="totals-heading" className="text-base font-semibold">
          30 days ({sig(HOURS_IN_BASELINE)} h), {baseline.gpuCount} → {scenario.gpuCount} GPUs
        </h2>
        <dl className="mt-3 grid gap-4 sm:grid-cols-3">
          {headline.map((h) => (
            <div key={h.id}>
              <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">
                {h.name}
              </dt>
              <dd className="mt-1 flex items-center gap-1.5 text-lg font-semibold tabular-nums">
                <span
                  data-testid={`whatif-${h.id}`}
                  data-value={String(h.value)}
                  className={
                    h.id === 'delta-total'
                      ? h.value < 0
                        ? 'text-brand-700'
                        : h.value > 0
                          ? 'text-red-700'
                          : ''
                      : ''
                  }
                >
                  {h.text}
                </span>
                {h.explain}
              </dd>
            </div>
          ))}
        </dl>
        <table className="mt-4 w-full text-sm">
          <caption className="sr-only">Energy and emissions, baseline and with the levers</caption>
          <thead className="text-xs uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="py-1 text-left font-semibold">
                30 days
              </th>
              <th scope="col" className="py-1 text-right font-semibold">
                Baseline
              </th>
              <th scope="col" className="py-1 text-right font-semibold">
                With levers
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {carbon.map((c) => (
              <tr key={c.id}>
                <th scope="row" className="py-1.5 text-left font-medium text-slate-800">
                  {c.name} <span className="font-normal text-slate-600">({c.unit})</span>
                </th>
                <td
                  className="py-1.5 text-right tabular-nums"
                  data-testid={`whatif-baseline-${c.id}`}
                  data-value={String(c.base)}
                >
                  {sig(c.base)}
                </td>
                <td className="py-1.5 text-right tabular-nums">
                  <span className="inline-flex items-center gap-1.5">
                    <span data-testid={`whatif-scenario-${c.id}`} data-value={String(c.scen)}>
                      {sig(c.scen)}
                    </span>
                    <Explain
                      title={c.name}
                      value={`${sig(c.base)} → ${sig(c.scen)} ${c.unit}`}
                      formula={c.formula}
                      label={c.label}
                      inputs={[
                        { name: 'Baseline', value: `${sig(c.base)} ${c.unit}` },
                        { name: 'With the levers', value: `${sig(c.scen)} ${c.unit}` },
                        {
                          name: 'Facility energy with the levers',
                          value: `${sig(scenario.facilityEnergyKWh / 1000)} MWh`,
                          source: { label: 'modelled', note: 'IT power model × PUE' },
                        },
                      ]}
                      notes={
                        c.id === 'market-co2e' && scenario.co2e.marketUsedFallback
                          ? 'Market-based figure uses the location-based fallback for the uncovered share.'
                          : undefined
                      }
                    />
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section
        aria-labelledby="waterfall-heading"
        className="rounded-lg border border-slate-200 bg-white p-5"
      >
        <h2 id="waterfall-heading" className="text-base font-semibold">
          From the baseline to the levers (USD, 30 days)
        </h2>
        <div className="mt-3">
          <LazyWaterfallChart
            label={`Waterfall of the cost over 30 days: baseline ${money(baseline.total)}, ${w.steps.length} lever${w.steps.length === 1 ? '' : 's'}, ${money(scenario.total)} with the levers. The table below gives every step.`}
            bars={bars}
            format={short}
            formatDelta={signed}
            axisStart={axisStart}
          />
        </div>
        {axisStart > 0 && (
          <p className="mt-1 text-xs text-slate-600">
            The axis starts at {short(axisStart)} USD so that small steps show; the totals are not
            drawn to scale from zero.
          </p>
        )}
        <p className="mt-4 text-xs text-slate-600">
          The waterfall as a table. A step is what its lever adds to the levers above it;
          &ldquo;alone&rdquo; is the lever applied to the baseline by itself (levers interact, so
          the two differ).
        </p>
        <div className="mt-2 overflow-x-auto">
          <table className="w-full min-w-[34rem] text-sm">
            <caption className="sr-only">
              The waterfall&apos;s steps: change, change alone, running total and market-based CO2e
            </caption>
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-2 py-2 text-left font-semibold">
                  Step
                </th>
                <th scope="col" className="px-2 py-2 text-right font-semibold">
                  Change (USD)
                </th>
                <th scope="col" className="px-2 py-2 text-right font-semibold">
                  Alone (USD)
                </th>
                <th scope="col" className="px-2 py-2 text-right font-semibold">
                  Total (USD)
                </th>
                <th scope="col" className="px-2 py-2 text-right font-semibold">
                  CO2e mkt (t)
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              <tr>
                <th scope="row" className="px-2 py-2 text-left font-medium">
                  Baseline
                </th>
                <td className="px-2 py-2 text-right">—</td>
                <td className="px-2 py-2 text-right">—</td>
                <td className="px-2 py-2 text-right tabular-nums">{sig(baseline.total)}</td>
                <td className="px-2 py-2 text-right tabular-nums">
                  {sig(baseline.co2e.marketKg / 1000)}
                </td>
              </tr>
              {w.steps.map((s, i) => {
                const before = i === 0 ? baseline.total : w.steps[i - 1]!.after;
                return (
                  <tr key={s.key} data-testid={`whatif-step-${s.key}`}>
                    <th scope="row" className="px-2 py-2 text-left align-top font-medium">
                      {s.label}
                      <p className="mt-0.5 min-w-[12rem] max-w-xs text-xs font-normal text-slate-600">
                        {s.why}
                      </p>
                    </th>
                    <td className="px-2 py-2 text-right align-top tabular-nums">
                      <span className="inline-flex items-center gap-1.5">
                        <span
                          data-value={String(s.delta)}
                          className={
                            s.delta < 0 ? 'text-brand-700' : s.delta > 0 ? 'text-red-700' : ''
                          }
                        >
                          {signedMoney(s.delta).replace(' USD', '')}
                        </span>
                        <Explain
                          title={`${s.label} step`}
                          value={signedMoney(s.delta)}
                          formula="total with this lever and those above it − total with those above it"
                          label="modelled"
                          inputs={[
                            { name: 'Total before', value: money(before) },
                            { name: 'Total after', value: money(s.after) },
                            {
                              name: 'The lever alone on the baseline',
                              value: signedMoney(s.alone),
                              source: { label: 'modelled', note: s.why },
                            },
                          ]}
                        />
                      </span>
                    </td>
                    <td className="px-2 py-2 text-right align-top tabular-nums">
                      {signedMoney(s.alone).replace(' USD', '')}
                    </td>
                    <td className="px-2 py-2 text-right align-top tabular-nums">{sig(s.after)}</td>
                    <td className="px-2 py-2 text-right align-top tabular-nums">
                      {sig(w.after[i]!.co2e.marketKg / 1000)}
                    </td>
                  </tr>
                );
              })}
              <tr className="bg-slate-50 font-semibold">
                <th scope="row" className="px-2 py-2 text-left">
                  With levers
                </th>
                <td className="px-2 py-2 text-right tabular-nums">
                  {signedMoney(delta.total).replace(' USD', '')}
                </td>
                <td className="px-2 py-2 text-right">—</td>
                <td className="px-2 py-2 text-right tabular-nums">{sig(scenario.total)}</td>
                <td className="px-2 py-2 text-right tabular-nums">
                  {sig(scenario.co2e.marketKg / 1000)}
                </td>
              </tr>
            </tbody>
          </table>
        </div>
        {w.steps.length === 0 && (
          <p className="mt-3 text-sm text-slate-700">
            No lever is on: tick one to see what it is worth.
          </p>
        )}
      </section>
    </>
  );
});
