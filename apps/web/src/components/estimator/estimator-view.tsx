'use client';

import { findAccelerator } from '@wattwise/cost-model';
import { useSearchParams } from 'next/navigation';
import { useMemo, useState } from 'react';

import {
  EXAMPLE_VALUES,
  ESTIMATE_KEYS,
  estimateFromValues,
  searchFromValues,
  valuesFromSearch,
  type EstimateKey,
  type EstimateValues,
} from '../../lib/estimate-params';
import { cloudEstimates } from '../../lib/own-vs-cloud';
import { EstimatorForm } from './estimator-form';
import { EstimatorResults } from './estimator-results';

/** A catalogue name or alias in the URL (gpu=H100-SXM) shows as the catalogue entry in the picker. */
function canonicalGpu(values: EstimateValues): EstimateValues {
  if (!values.gpu) return values;
  try {
    return { ...values, gpu: findAccelerator(values.gpu).id };
  } catch {
    return values;
  }
}

/** The CLI command that gives the same numbers, for copying. */
function cliCommand(values: EstimateValues): string {
  const args = ESTIMATE_KEYS.filter((k) => values[k]?.trim()).map(
    (k) =>
      `--${k} ${/^[\w.+-]+$/.test(values[k]!.trim()) ? values[k]!.trim() : `'${values[k]!.trim()}'`}`,
  );
  return ['pnpm wattwise estimate training', ...args, '--json'].join(' ');
}

/**
 * The training-run estimator: `wattwise estimate training` in the browser. Inputs live in the URL
 * (one parameter per CLI flag) and every change recomputes at once with cost-model.
 */
export function EstimatorView() {
  const params = useSearchParams();
  const [values, setValues] = useState<EstimateValues>(() =>
    canonicalGpu(valuesFromSearch(params)),
  );
  const [offer, setOffer] = useState<string | null>(() => params.get('offer'));

  const write = (next: EstimateValues, nextOffer: string | null) => {
    const search = new URLSearchParams(searchFromValues(next));
    if (nextOffer) search.set('offer', nextOffer);
    const query = search.toString();
    // Native history integrates with the app router: no server round trip, so recomputing stays instant.
    window.history.replaceState(null, '', query ? `?${query}` : window.location.pathname);
  };
  const change = (key: EstimateKey, value: string) => {
    const next = { ...values, [key]: value };
    setValues(next);
    write(next, offer);
  };
  const chooseOffer = (id: string) => {
    setOffer(id);
    write(values, id);
  };
  const loadExample = () => {
    setValues(EXAMPLE_VALUES);
    setOffer(null);
    write(EXAMPLE_VALUES, null);
  };

  const outcome = useMemo(() => estimateFromValues(values), [values]);
  const clouds = useMemo(
    () => (outcome.ok ? cloudEstimates(outcome.input, outcome.estimate) : []),
    [outcome],
  );
  const cloud = clouds.find((c) => c.id === offer) ?? clouds[0] ?? null;
  const empty = ESTIMATE_KEYS.every((k) => !values[k]?.trim());

  const fieldErrors: Partial<Record<EstimateKey, string>> = {};
  const generalErrors: string[] = [];
  if (!outcome.ok && !empty) {
    for (const e of outcome.errors) {
      if (e.key && !fieldErrors[e.key]) fieldErrors[e.key] = e.message;
      else generalErrors.push(e.message);
    }
  }

  return (
    <div className="grid gap-6 xl:grid-cols-[minmax(0,5fr)_minmax(0,6fr)]">
      <section
        aria-labelledby="inputs-heading"
        className="rounded-lg border border-slate-200 bg-white p-5"
      >
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="inputs-heading" className="text-base font-semibold">
            Inputs
          </h2>
          <button
            type="button"
            onClick={loadExample}
            className="rounded border border-slate-300 px-2.5 py-1 text-sm text-slate-800 hover:bg-slate-100"
          >
            Load an example
          </button>
        </div>
        <p className="mt-1 mb-4 text-xs text-slate-600">
          Numbers as on the command line: 7B, 1T, 3.15e23. Blank fields take the estimator&apos;s
          defaults (placeholders). The CLI&apos;s --site reads grid data from files and is not
          offered here; give the price and grid intensity instead.
        </p>
        <EstimatorForm values={values} errors={fieldErrors} onChange={change} />
      </section>

      <div className="min-w-0 space-y-4">
        {empty ? (
          <p className="rounded-lg border border-dashed border-slate-300 bg-white p-5 text-sm text-slate-700">
            Choose an accelerator and give the work (parameters and tokens, or FLOPs) or the
            duration (GPU-hours or days), or load the example.
          </p>
        ) : outcome.ok ? (
          <>
            <EstimatorResults
              estimate={outcome.estimate}
              input={outcome.input}
              clouds={clouds}
              cloud={cloud}
              onCloud={chooseOffer}
            />
            <section aria-labelledby="cli-heading">
              <h2 id="cli-heading" className="text-sm font-semibold text-slate-800">
                The same estimate on the command line
              </h2>
              <pre className="mt-1 whitespace-pre-wrap break-words rounded bg-slate-900 p-3 text-xs text-slate-100">
                <code data-testid="cli-command">{cliCommand(values)}</code>
              </pre>
            </section>
          </>
        ) : (
          <div
            role="alert"
            className="rounded-lg border border-red-300 bg-red-50 p-4 text-sm text-red-900"
          >
            <p className="font-medium">No estimate yet:</p>
            <ul className="mt-1 list-disc space-y-0.5 pl-5">
              {outcome.errors.map((e) => (
                <li key={`${e.key}-${e.message}`}>{e.message}</li>
              ))}
            </ul>
            {generalErrors.length === 0 && (
              <p className="mt-1 text-xs">The fields concerned are marked.</p>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
