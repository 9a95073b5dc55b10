'use client';

import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';

import { formatDateTime, formatMass, formatMoney } from '../../lib/format';
import {
  KIND_TITLES,
  labHref,
  periodOf,
  REC_WINDOWS,
  recommendationsCsv,
  recStateFromSearch,
  searchFromRecState,
  type RecommendationItem,
  type RecState,
} from '../../lib/recommendations-params';
import { useRecommendations } from '../../lib/teams-queries';
import { describeError } from '../../lib/trpc';
import { Explain, type ProvenanceLabel } from '../explain';
import { inputClass } from '../form-field';
import { downloadText } from '../teams/download';

const CONFIDENCE_STYLE = {
  high: 'bg-emerald-100 text-emerald-900',
  medium: 'bg-sky-100 text-sky-900',
  low: 'bg-amber-100 text-amber-900',
} as const;

const SORTS = [
  { id: 'money', label: 'Money saved' },
  { id: 'co2e', label: 'tCO2e avoided' },
] as const;

function RecommendationCard({ item, rank }: { item: RecommendationItem; rank: number }) {
  const href = labHref(item.lab);
  const inputs = item.evidence.map((e) => ({
    name: e.name,
    value: e.value,
    source: { label: e.label as ProvenanceLabel, note: `${e.label} figure` },
  }));
  return (
    <li
      className="rounded-lg border border-slate-200 bg-white p-4"
      data-testid="recommendation"
      data-id={item.id}
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h3 className="text-base font-semibold">
            <span className="mr-2 text-slate-500">{rank}.</span>
            {KIND_TITLES[item.kind]}: <span className="break-all">{item.target}</span>
          </h3>
          <p className="mt-1 text-sm text-slate-700">{item.why}</p>
        </div>
        <span
          className={`shrink-0 rounded-full px-2.5 py-0.5 text-xs font-medium ${CONFIDENCE_STYLE[item.confidence]}`}
        >
          {item.confidence} confidence
        </span>
      </div>
      <dl className="mt-3 flex flex-wrap gap-x-8 gap-y-2 text-sm">
        <div>
          <dt className="text-slate-600">Saves a month</dt>
          <dd
            className="flex items-center gap-1.5 font-semibold tabular-nums"
            data-testid="saving"
            data-value={item.monthlySaving ?? ''}
          >
            {item.monthlySaving === null
              ? 'not weighed in money'
              : formatMoney(item.monthlySaving, item.currency)}
            {item.monthlySaving !== null && (
              <Explain
                title={`${KIND_TITLES[item.kind]} (${item.target}): money saved a month`}
                value={formatMoney(item.monthlySaving, item.currency)}
                label="modelled"
                formula={item.why}
                inputs={inputs}
                notes="A month is 730 hours at the period's pace."
              />
            )}
          </dd>
        </div>
        <div>
          <dt className="text-slate-600">Avoids a month</dt>
          <dd
            className="flex items-center gap-1.5 font-semibold tabular-nums"
            data-testid="co2e"
            data-value={item.co2eKgPerMonth ?? ''}
          >
            {item.co2eKgPerMonth === null
              ? 'not weighed in carbon'
              : `${formatMass(item.co2eKgPerMonth)} CO2e`}
            {item.co2eKgPerMonth !== null && (
              <Explain
                title={`${KIND_TITLES[item.kind]} (${item.target}): CO2e avoided a month`}
                value={`${formatMass(item.co2eKgPerMonth)} CO2e`}
                label="modelled"
                formula="the same estimate as the money saving, with each hour's grid intensity (kgCO2e/kWh) in place of its price; GPU-hours freed for other work save no energy"
                inputs={inputs}
              />
            )}
          </dd>
        </div>
      </dl>
      <div className="mt-3 flex flex-wrap items-center gap-4">
        <details className="text-sm">
          <summary className="cursor-pointer font-medium text-slate-800">Evidence</summary>
          <dl className="mt-2 grid gap-x-6 gap-y-1 sm:grid-cols-[max-content_1fr]">
            {item.evidence.map((e) => (
              <div key={e.name} className="contents">
                <dt className="text-slate-700">{e.name}</dt>
                <dd className="tabular-nums">
                  {e.value} <span className="text-xs text-slate-600">({e.label})</span>
                </dd>
              </div>
            ))}
          </dl>
        </details>
        {href && (
          <Link
            href={href}
            className="text-sm font-medium text-brand-700 underline underline-offset-2"
          >
            Try in the scheduler lab
          </Link>
        )}
      </div>
    </li>
  );
}

/** Recommendations, ranked by money or by tCO2e, each with its confidence, evidence and a lab link. */
export function RecommendationsView() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const state = recStateFromSearch(params);
  const [nowMs] = useState(() => Date.now());
  const period = periodOf(state.days, nowMs);
  const recs = useRecommendations({ ...period, sort: state.sort });
  const loadError = recs.error ?? recs.failureReason;
  const data = recs.data;
  const update = (next: Partial<RecState>) => {
    const query = searchFromRecState({ ...state, ...next });
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div className="flex flex-wrap items-end gap-4">
          <fieldset>
            <legend className="text-sm font-medium text-slate-800">Rank by</legend>
            <div className="mt-1 inline-flex rounded border border-slate-400 bg-white" role="group">
              {SORTS.map((s) => (
                <button
                  key={s.id}
                  type="button"
                  aria-pressed={state.sort === s.id}
                  onClick={() => update({ sort: s.id })}
                  className={`px-3 py-1.5 text-sm font-medium first:rounded-l last:rounded-r ${
                    state.sort === s.id
                      ? 'bg-brand-700 text-white'
                      : 'text-slate-800 hover:bg-slate-100'
                  }`}
                >
                  {s.label}
                </button>
              ))}
            </div>
          </fieldset>
          <div>
            <label htmlFor="rec-days" className="block text-sm font-medium text-slate-800">
              From the last
            </label>
            <select
              id="rec-days"
              value={state.days}
              onChange={(e) => update({ days: Number(e.target.value) })}
              className={`${inputClass} mt-1 w-32`}
            >
              {REC_WINDOWS.map((d) => (
                <option key={d} value={d}>
                  {d} days
                </option>
              ))}
            </select>
          </div>
        </div>
        {data && (
          <button
            type="button"
            onClick={() =>
              downloadText(
                `wattwise-recommendations-${data.sort}-${data.to.slice(0, 10)}.csv`,
                recommendationsCsv(data),
              )
            }
            className="rounded border border-slate-400 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100"
          >
            Download CSV
          </button>
        )}
      </div>
      {loadError && (
        <p
          role="alert"
          className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-900"
        >
          Could not load the recommendations: {describeError(loadError).message}
        </p>
      )}
      {data ? (
        <section
          aria-labelledby="recs-heading"
          className="space-y-3"
          data-testid="recommendations"
          data-from={data.from}
          data-to={data.to}
          data-sort={data.sort}
        >
          <h2 id="recs-heading" className="text-base font-semibold">
            {data.total === 0
              ? 'Nothing to recommend'
              : `${data.total} recommendation${data.total === 1 ? '' : 's'}, by ${state.sort === 'co2e' ? 'tCO2e avoided' : 'money saved'}`}
          </h2>
          <p className="text-sm text-slate-700">
            From {formatDateTime(data.from)} to {formatDateTime(data.to)}
            {data.site ? ` at ${data.site.name}` : ''}, savings a month at that pace, in{' '}
            {data.currency}.
            {data.total > data.items.length && ` The first ${data.items.length} are shown.`}
          </p>
          {data.notes.map((n) => (
            <p key={n} className="text-sm text-slate-700">
              {n}
            </p>
          ))}
          {data.items.length === 0 ? (
            <p className="rounded-lg border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-700">
              No idle capacity, movable jobs or oversized requests were found in this period.
            </p>
          ) : (
            <ol
              className={`space-y-3 ${recs.isPlaceholderData ? 'opacity-60' : ''}`}
              aria-busy={recs.isPlaceholderData}
            >
              {data.items.map((item, i) => (
                <RecommendationCard key={item.id} item={item} rank={i + 1} />
              ))}
            </ol>
          )}
        </section>
      ) : (
        !loadError && <p className="text-sm text-slate-700">Loading the recommendations…</p>
      )}
    </div>
  );
}
