'use client';

import { useId, useRef, type ReactNode } from 'react';

/**
 * Where a figure came from, in cost-model's words (`SourceLabel` in its `sources.ts`, plus a bill's
 * 'reported estimate' for trade-press purchase prices).
 */
export type ProvenanceLabel = 'measured' | 'modelled' | 'rated' | 'reported estimate';

export type ExplainSource = { label: ProvenanceLabel; note: string };

export type ExplainInput = {
  name: string;
  value: ReactNode;
  source?: ExplainSource | null;
};

export type ExplainProps = {
  /** What the number is, e.g. "Total cost"; the button is named "Explain <title>". */
  title: string;
  /** The number as shown. */
  value: ReactNode;
  /** The formula in words or symbols. */
  formula: ReactNode;
  /** The label of the figure itself: the weakest of its inputs' labels where they differ. */
  label: ProvenanceLabel;
  inputs?: readonly ExplainInput[];
  /** Anything else a reader should know: ranges, caveats, references. */
  notes?: ReactNode;
  className?: string;
};

const LABEL_STYLE: Record<ProvenanceLabel, string> = {
  measured: 'bg-emerald-100 text-emerald-900',
  modelled: 'bg-sky-100 text-sky-900',
  rated: 'bg-amber-100 text-amber-900',
  'reported estimate': 'bg-orange-100 text-orange-900',
};

const LABEL_MEANING: Record<ProvenanceLabel, string> = {
  measured: 'read from a meter or a log, or given as measured',
  modelled: 'computed from a model and assumptions',
  rated: 'a datasheet or price-list figure taken as is',
  'reported estimate': 'a figure reported in the trade press, not published by the vendor',
};

/** A small measured / modelled / rated badge. */
export function ProvenanceBadge({ label }: { label: ProvenanceLabel }) {
  return (
    <span
      className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${LABEL_STYLE[label]}`}
      title={LABEL_MEANING[label]}
    >
      {label}
    </span>
  );
}

/** A figure is only as firm as its softest input: reported estimate, then modelled, rated, measured. */
export function weakestLabel(
  labels: readonly (ProvenanceLabel | null | undefined)[],
): ProvenanceLabel {
  if (labels.includes('reported estimate')) return 'reported estimate';
  if (labels.includes('modelled')) return 'modelled';
  if (labels.includes('rated')) return 'rated';
  return 'measured';
}

/**
 * The "where does this number come from?" affordance: a small button beside a figure that opens a
 * drawer with its formula, its inputs with their sources, and whether it is measured, modelled or
 * rated. The drawer is a modal <dialog>: focus moves into it, Escape and the close button shut it.
 */
export function Explain({
  title,
  value,
  formula,
  label,
  inputs = [],
  notes,
  className,
}: ExplainProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  return (
    <>
      <button
        type="button"
        aria-label={`Explain ${title}`}
        aria-haspopup="dialog"
        title={`Explain ${title}`}
        onClick={() => ref.current?.showModal()}
        className={
          'inline-flex h-5 w-5 shrink-0 items-center justify-center rounded-full border border-slate-400 ' +
          'bg-white align-middle text-[11px] font-semibold leading-none text-slate-700 hover:border-brand-600 ' +
          'hover:text-brand-700 ' +
          (className ?? '')
        }
      >
        ?
      </button>
      <dialog
        ref={ref}
        aria-labelledby={titleId}
        onClick={(e) => {
          // A click on the backdrop lands on the dialog element itself.
          if (e.target === e.currentTarget) e.currentTarget.close();
        }}
        className={
          'm-0 ml-auto h-full max-h-none w-full max-w-md overflow-y-auto border-l border-slate-300 bg-white p-0 ' +
          'text-left text-sm font-normal text-ink shadow-xl backdrop:bg-slate-900/30'
        }
      >
        <div className="flex items-start justify-between gap-3 border-b border-slate-200 px-5 py-4">
          <div>
            <h2 id={titleId} className="text-base font-semibold">
              {title}
            </h2>
            <p className="mt-1 text-lg font-semibold tabular-nums">{value}</p>
          </div>
          <button
            type="button"
            onClick={() => ref.current?.close()}
            className="rounded border border-slate-300 px-2 py-1 text-sm text-slate-700 hover:bg-slate-100"
          >
            Close
          </button>
        </div>
        <div className="space-y-4 px-5 py-4">
          <div className="flex items-center gap-2">
            <ProvenanceBadge label={label} />
            <span className="text-xs text-slate-600">{LABEL_MEANING[label]}</span>
          </div>
          <section>
            <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-600">
              Formula
            </h3>
            <p className="mt-1 leading-relaxed">{formula}</p>
          </section>
          {inputs.length > 0 && (
            <section>
              <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-600">
                Inputs and sources
              </h3>
              <dl className="mt-2 space-y-3">
                {inputs.map((input) => (
                  <div key={input.name} className="rounded border border-slate-200 p-2.5">
                    <dt className="flex flex-wrap items-center justify-between gap-2">
                      <span className="font-medium">{input.name}</span>
                      {input.source && <ProvenanceBadge label={input.source.label} />}
                    </dt>
                    <dd className="mt-1 tabular-nums">{input.value}</dd>
                    {input.source && (
                      <dd className="mt-1 text-xs text-slate-600">{input.source.note}</dd>
                    )}
                  </div>
                ))}
              </dl>
            </section>
          )}
          {notes && <div className="text-xs leading-relaxed text-slate-700">{notes}</div>}
        </div>
      </dialog>
    </>
  );
}
