'use client';

import { workedExample } from '@wattwise/nn-core/reference';
import { useMemo, useState } from 'react';

import { showExact, workedExampleStages } from '../../lib/playground-stages';

/** One forward and backward step of nn-core's worked example, stage by stage, Back and Next. */
export function WorkedExamplePanel() {
  const stages = useMemo(() => workedExampleStages(workedExample()), []);
  const [at, setAt] = useState(0);
  const stage = stages[at]!;
  return (
    <section
      aria-labelledby="worked-heading"
      className="rounded-lg border border-slate-200 bg-white p-5"
    >
      <h2 id="worked-heading" className="text-base font-semibold">
        One training step, every number
      </h2>
      <p className="mt-1 text-sm text-slate-700">
        A 2-1-1 ReLU network, one sample, squared-error loss and one step of gradient descent, with
        fixed weights. The numbers are nn-core&apos;s float64 reference (
        <code>workedExample()</code>), shown to 10 significant digits.
      </p>
      <ol className="mt-4 flex flex-wrap gap-1.5" aria-label="Stages">
        {stages.map((s, i) => (
          <li key={s.id}>
            <button
              type="button"
              onClick={() => setAt(i)}
              aria-current={i === at ? 'step' : undefined}
              className={
                'rounded-full border px-2.5 py-1 text-xs ' +
                (i === at
                  ? 'border-brand-600 bg-brand-600 font-semibold text-white'
                  : i < at
                    ? 'border-slate-300 bg-slate-100 text-slate-800'
                    : 'border-slate-300 bg-white text-slate-700')
              }
            >
              {i + 1}. {s.title}
            </button>
          </li>
        ))}
      </ol>
      <div className="mt-4 flex items-center gap-3">
        <button
          type="button"
          onClick={() => setAt((i) => Math.max(0, i - 1))}
          disabled={at === 0}
          className="rounded border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100 disabled:opacity-50"
        >
          Back
        </button>
        <button
          type="button"
          onClick={() => setAt((i) => Math.min(stages.length - 1, i + 1))}
          disabled={at === stages.length - 1}
          className="rounded bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50"
        >
          Next
        </button>
        <p className="text-sm text-slate-700" aria-live="polite">
          Stage {at + 1} of {stages.length}: <span className="font-semibold">{stage.title}</span>
        </p>
      </div>
      <p className="mt-3 text-sm text-slate-700">{stage.summary}</p>
      <div className="mt-3 overflow-x-auto">
        <table className="w-full text-sm" aria-label={`Stage ${at + 1}: ${stage.title}`}>
          <thead>
            <tr className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-600">
              <th scope="col" className="py-1.5 pr-3 font-semibold">
                Quantity
              </th>
              <th scope="col" className="py-1.5 pr-3 font-semibold">
                Formula
              </th>
              <th scope="col" className="py-1.5 text-right font-semibold">
                Value
              </th>
            </tr>
          </thead>
          <tbody>
            {stage.rows.map((r) => (
              <tr key={r.name} className="border-b border-slate-100">
                <th scope="row" className="py-1.5 pr-3 text-left font-medium">
                  {r.name}
                </th>
                <td className="py-1.5 pr-3 font-mono text-xs text-slate-700">{r.formula}</td>
                <td className="py-1.5 text-right font-mono tabular-nums" title={String(r.value)}>
                  {showExact(r.value)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
