'use client';

import { formatMass, formatMoney } from '../../lib/format';
import {
  LAB_METRICS,
  formatDeltaRatio,
  formatSimSeconds,
  labDelta,
  type LabOutput,
  type LabRun,
} from '../../lib/scheduler-lab-result';
import { Explain } from '../explain';
import { LazyNamedBarChart } from '../charts/bar-chart-lazy';

/** The first policy is the baseline, drawn grey; the others in distinct colours. */
const POLICY_PALETTE = [
  '#475569',
  '#1d4ed8',
  '#17804a',
  '#b45309',
  '#7c3aed',
  '#be123c',
  '#0e7490',
  '#4d7c0f',
];

const VERDICT_STYLE = {
  better: 'text-green-800',
  worse: 'text-red-800',
  same: 'text-slate-600',
  neutral: 'text-slate-600',
} as const;

const VERDICT_WORD = { better: 'better', worse: 'worse', same: '', neutral: '' } as const;

/** Every metric of every policy side by side, each with its change against the first policy. */
export function LabComparisonTable({ output }: { output: LabOutput }) {
  const runs = output.compare;
  const base = runs[0]!;
  return (
    <section
      aria-labelledby="lab-table-heading"
      className="rounded-lg border border-slate-200 bg-white p-5"
    >
      <h2 id="lab-table-heading" className="text-base font-semibold">
        Policies side by side
      </h2>
      <p className="mt-1 text-xs text-slate-600">
        Changes are against {base.name}, the first policy. Green is better, red worse; simulated
        times are in the trace&apos;s clock.
      </p>
      <div className="mt-3 overflow-x-auto">
        <table
          className="w-full border-collapse text-sm"
          data-testid="lab-comparison"
          aria-describedby="lab-table-heading"
        >
          <caption className="sr-only">
            Metrics of {runs.map((r) => r.name).join(', ')}, with changes against {base.name}
          </caption>
          <thead>
            <tr className="border-b border-slate-300 text-left">
              <th scope="col" className="py-2 pr-3 font-medium text-slate-700">
                Metric
              </th>
              {runs.map((r, i) => (
                <th
                  key={r.name}
                  scope="col"
                  data-policy={r.name}
                  className="px-1.5 py-2 text-right font-semibold sm:px-3"
                >
                  {r.name}
                  {i === 0 && (
                    <span className="block text-xs font-normal text-slate-600">baseline</span>
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {LAB_METRICS.map((m) => (
              <tr key={m.key} className="border-b border-slate-100 align-top">
                <th scope="row" className="py-2 pr-3 text-left font-normal text-slate-800">
                  <span className="inline-flex items-center gap-1.5">
                    {m.label}
                    <Explain
                      title={m.label}
                      value={runs.map((r) => `${r.name}: ${m.format(m.value(r), r)}`).join('; ')}
                      formula={m.formula}
                      label={m.key === 'wallSeconds' ? 'measured' : 'modelled'}
                      notes={
                        m.key === 'wallSeconds'
                          ? 'Measured on the worker that ran the job.'
                          : 'Computed by the scheduler simulator from the trace, the node list and the grid zone’s hourly price and carbon data.'
                      }
                    />
                  </span>
                </th>
                {runs.map((r, i) => (
                  <MetricCell key={r.name} run={r} base={base} metric={m} first={i === 0} />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {base.notes.length > 0 && (
        <details className="mt-3 text-xs text-slate-700">
          <summary className="cursor-pointer font-medium">Simulator notes</summary>
          <ul className="mt-1 list-disc space-y-1 pl-5">
            {base.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function MetricCell({
  run,
  base,
  metric,
  first,
}: {
  run: LabRun;
  base: LabRun;
  metric: (typeof LAB_METRICS)[number];
  first: boolean;
}) {
  const value = metric.value(run);
  const delta = first ? null : labDelta(value, metric.value(base), metric.better);
  return (
    <td
      data-policy={run.name}
      data-metric={metric.key}
      data-value={String(value)}
      className="px-1.5 py-2 text-right tabular-nums sm:px-3"
    >
      <span className="sm:whitespace-nowrap">{metric.format(value, run)}</span>
      {delta && (
        <span className={`block text-xs ${VERDICT_STYLE[delta.verdict]}`}>
          {formatDeltaRatio(delta)}
          {VERDICT_WORD[delta.verdict] && (
            <span className="sr-only"> ({VERDICT_WORD[delta.verdict]})</span>
          )}
        </span>
      )}
    </td>
  );
}

type ChartSpec = {
  key: string;
  title: string;
  value: (r: LabRun) => number;
  format: (x: number) => string;
};

/** Cost, carbon and wait by policy: a bar chart each, with its numbers as a table beneath. */
export function LabCharts({ output }: { output: LabOutput }) {
  const runs = output.compare;
  const currency = runs[0]!.currency;
  const charts: ChartSpec[] = [
    {
      key: 'cost',
      title: 'Energy cost',
      value: (r) => r.energyCost,
      format: (x) => formatMoney(x, currency),
    },
    { key: 'carbon', title: 'Emissions (CO2e)', value: (r) => r.co2eKg, format: formatMass },
    { key: 'wait', title: 'Mean wait', value: (r) => r.wait.mean, format: formatSimSeconds },
  ];
  return (
    <section aria-labelledby="lab-charts-heading" className="space-y-3">
      <h2 id="lab-charts-heading" className="text-base font-semibold">
        Cost, carbon and wait by policy
      </h2>
      <div className="grid gap-4 lg:grid-cols-3">
        {charts.map((c) => {
          const bars = runs.map((r) => ({ name: r.name, value: c.value(r) }));
          const label = `${c.title} by policy: ${bars.map((b) => `${b.name} ${c.format(b.value)}`).join(', ')}`;
          return (
            <figure
              key={c.key}
              className="min-w-0 rounded-lg border border-slate-200 bg-white p-4"
              data-testid={`lab-chart-${c.key}`}
            >
              <figcaption className="text-sm font-semibold">{c.title}</figcaption>
              <div className="mt-2">
                <LazyNamedBarChart
                  label={label}
                  bars={bars}
                  format={c.format}
                  palette={POLICY_PALETTE}
                  nameWidth={80}
                />
              </div>
              <details className="mt-2 text-xs">
                <summary className="cursor-pointer text-slate-700">{c.title} as a table</summary>
                <table className="mt-1 w-full text-left">
                  <thead>
                    <tr className="border-b border-slate-200">
                      <th scope="col" className="py-1 font-medium">
                        Policy
                      </th>
                      <th scope="col" className="py-1 text-right font-medium">
                        {c.title}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {bars.map((b) => (
                      <tr key={b.name} className="border-b border-slate-100">
                        <th scope="row" className="py-1 font-normal">
                          {b.name}
                        </th>
                        <td className="py-1 text-right tabular-nums">{c.format(b.value)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            </figure>
          );
        })}
      </div>
    </section>
  );
}
