'use client';

import { formatNumber } from '../../lib/format';
import type { JobDetail } from '../../lib/jobs-api';
import { trainingCurve } from '../../lib/jobs-progress';
import type { EpochPoint } from '../../lib/jobs-progress';
import { JobsDataTable } from '../charts/jobs-data-table';
import { LazyJobsLineChart, SERIES_COLORS } from '../charts/jobs-chart-lazy';

const fmt = (v: number | undefined) => (v === undefined ? '—' : formatNumber(v, 4));

/** An nn-train job's loss and accuracy by epoch; the page refreshes it every two seconds while it runs. */
export function JobTraining({ job }: { job: JobDetail }) {
  const curve = trainingCurve(job.result?.output, job.attemptList);
  const history = curve?.history ?? [];
  const hasAccuracy = history.some((h) => h.accuracy !== undefined);
  const hasVal = history.some((h) => h.valLoss !== undefined);
  const last = history.at(-1);
  const series = [
    { key: 'loss', name: 'Loss', color: SERIES_COLORS[0] },
    ...(hasVal
      ? [{ key: 'valLoss', name: 'Validation loss', color: SERIES_COLORS[0], dashed: true }]
      : []),
    ...(hasAccuracy
      ? [{ key: 'accuracy', name: 'Accuracy', color: SERIES_COLORS[1], axis: 'right' as const }]
      : []),
    ...(hasAccuracy && hasVal
      ? [
          {
            key: 'valAccuracy',
            name: 'Validation accuracy',
            color: SERIES_COLORS[1],
            dashed: true,
            axis: 'right' as const,
          },
        ]
      : []),
  ];
  return (
    <section
      aria-labelledby="training-heading"
      className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 sm:p-5"
    >
      <h2 id="training-heading" className="text-base font-semibold">
        Training progress
      </h2>
      {!curve || history.length === 0 ? (
        <p className="text-sm text-slate-700">
          {job.state === 'queued' || job.state === 'running'
            ? 'The loss curve appears after the first epoch.'
            : 'No training progress was reported.'}
        </p>
      ) : (
        <>
          <p className="text-sm text-slate-700" aria-live="polite">
            Epoch {last!.epoch} of {curve.epochs}
            {curve.done ? ' (finished)' : job.state === 'running' ? ', refreshing every 2 s' : ''}:
            loss {fmt(last!.loss)}
            {last!.accuracy !== undefined && `, accuracy ${fmt(last!.accuracy)}`}.
          </p>
          <LazyJobsLineChart
            label={`Loss${hasAccuracy ? ' and accuracy' : ''} of ${job.name} by epoch, ${history.length} epochs of ${curve.epochs}; the table below has the numbers.`}
            data={history}
            xKey="epoch"
            formatX={(v) => String(v)}
            series={series}
            yLabel="loss"
            formatY={(v) => formatNumber(v, 3)}
            rightLabel="accuracy"
            formatRight={(v) => formatNumber(v, 2)}
            rightDomain={[0, 1]}
          />
          <details className="text-sm">
            <summary className="cursor-pointer text-brand-700">
              Loss and accuracy as a table
            </summary>
            <div className="mt-2">
              <JobsDataTable<EpochPoint>
                caption={`Loss and accuracy of ${job.name} by epoch`}
                rows={history}
                rowKey={(r) => String(r.epoch)}
                columns={[
                  { key: 'epoch', header: 'Epoch', numeric: true, cell: (r) => r.epoch },
                  { key: 'loss', header: 'Loss', numeric: true, cell: (r) => fmt(r.loss) },
                  {
                    key: 'accuracy',
                    header: 'Accuracy',
                    numeric: true,
                    cell: (r) => fmt(r.accuracy),
                  },
                  ...(hasVal
                    ? [
                        {
                          key: 'valLoss',
                          header: 'Validation loss',
                          numeric: true,
                          cell: (r: EpochPoint) => fmt(r.valLoss),
                        },
                        {
                          key: 'valAccuracy',
                          header: 'Validation accuracy',
                          numeric: true,
                          cell: (r: EpochPoint) => fmt(r.valAccuracy),
                        },
                      ]
                    : []),
                ]}
              />
            </div>
          </details>
        </>
      )}
    </section>
  );
}
