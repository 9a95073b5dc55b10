'use client';

import type { UseQueryResult } from '@tanstack/react-query';
import { useMemo } from 'react';

import { formatDateTime, formatElapsed, formatNumber } from '../../lib/format';
import type { AttemptTelemetry, JobDetail } from '../../lib/jobs-api';
import { downsample, telemetryRows } from '../../lib/jobs-telemetry';
import type { TelemetryRow } from '../../lib/jobs-telemetry';
import { describeError } from '../../lib/trpc';
import { useJobPageUrlState } from '../../lib/use-jobs-url-state';
import { JobsDataTable } from '../charts/jobs-data-table';
import type { DataColumn } from '../charts/jobs-data-table';
import { CPU_COLOR, LazyJobsLineChart, SERIES_COLORS } from '../charts/jobs-chart-lazy';
import { inputClass } from '../form-field';

/** Points drawn per line; the table keeps every sample. */
const CHART_POINTS = 400;

const num = (v: number | null | undefined, digits = 3) =>
  v === null || v === undefined ? '—' : formatNumber(v, digits);

/** Power and utilisation of the job's GPUs and CPU over one attempt, from the worker's samples. */
export function JobTelemetry({
  job,
  telemetry,
}: {
  job: JobDetail;
  telemetry: UseQueryResult<AttemptTelemetry[]>;
}) {
  const { attempt: chosen, chart, setAttempt, setChart } = useJobPageUrlState();
  const attempts = job.attemptList;
  const attempt = attempts.find((a) => a.number === chosen) ?? attempts.at(-1);
  const samples = useMemo(
    () => telemetry.data?.find((t) => t.attemptId === attempt?.id)?.samples ?? [],
    [telemetry.data, attempt?.id],
  );
  const table = useMemo(() => telemetryRows(samples), [samples]);
  const chartRows = useMemo(() => downsample(table.rows, CHART_POINTS), [table.rows]);

  if (attempts.length === 0) return null;
  const spanS = table.rows.at(-1)?.t ?? 0;

  const power = chart === 'power';
  const series = power
    ? [
        ...table.gpuIndices.map((i, k) => ({
          key: `gpu${i}W`,
          name: `GPU ${i}`,
          color: SERIES_COLORS[k % SERIES_COLORS.length]!,
        })),
        ...(table.hasCpu ? [{ key: 'cpuW', name: 'CPU', color: CPU_COLOR, dashed: true }] : []),
      ]
    : table.gpuIndices.map((i, k) => ({
        key: `gpu${i}Util`,
        name: `GPU ${i}`,
        color: SERIES_COLORS[k % SERIES_COLORS.length]!,
      }));
  const devices = [
    ...table.gpuIndices.map((i) => `GPU ${i}`),
    ...(power && table.hasCpu ? ['the CPU'] : []),
  ];

  const columns: DataColumn<TelemetryRow>[] = [
    { key: 'at', header: 'Time', cell: (r) => formatDateTime(r.at) },
    { key: 't', header: 'Elapsed', numeric: true, cell: (r) => formatElapsed(r.t) },
    ...table.gpuIndices.flatMap((i): DataColumn<TelemetryRow>[] => [
      { key: `w${i}`, header: `GPU ${i} W`, numeric: true, cell: (r) => num(r[`gpu${i}W`]) },
      {
        key: `u${i}`,
        header: `GPU ${i} util %`,
        numeric: true,
        cell: (r) => num(r[`gpu${i}Util`]),
      },
      { key: `m${i}`, header: `GPU ${i} MiB`, numeric: true, cell: (r) => num(r[`gpu${i}MiB`], 6) },
    ]),
    ...(table.hasCpu
      ? [{ key: 'cpu', header: 'CPU W', numeric: true, cell: (r: TelemetryRow) => num(r.cpuW) }]
      : []),
  ];

  return (
    <section
      aria-labelledby="telemetry-heading"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 sm:p-5"
    >
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="telemetry-heading" className="text-base font-semibold">
          Power and utilisation
        </h2>
        <div className="flex flex-wrap items-end gap-3">
          {attempts.length > 1 && (
            <div>
              <label
                htmlFor="telemetry-attempt"
                className="block text-sm font-medium text-slate-800"
              >
                Attempt
              </label>
              <select
                id="telemetry-attempt"
                value={attempt?.number}
                onChange={(e) => setAttempt(Number(e.target.value))}
                className={`${inputClass} mt-1 w-28`}
              >
                {attempts.map((a) => (
                  <option key={a.id} value={a.number}>
                    #{a.number}
                  </option>
                ))}
              </select>
            </div>
          )}
          <fieldset className="flex gap-3 text-sm">
            <legend className="sr-only">Measure</legend>
            {(['power', 'util'] as const).map((m) => (
              <label key={m} className="flex items-center gap-1.5">
                <input
                  type="radio"
                  name="telemetry-measure"
                  value={m}
                  checked={chart === m}
                  onChange={() => setChart(m)}
                />
                {m === 'power' ? 'Power (W)' : 'GPU utilisation (%)'}
              </label>
            ))}
          </fieldset>
        </div>
      </div>
      {telemetry.error && (
        <p role="alert" className="text-sm text-red-800">
          Could not load telemetry: {describeError(telemetry.error).message}
        </p>
      )}
      {!telemetry.data && !telemetry.error ? (
        <p className="text-sm text-slate-700">Loading samples…</p>
      ) : table.rows.length === 0 ? (
        <p className="text-sm text-slate-700">
          {attempt?.state === 'running'
            ? 'No samples yet: the worker sends them every few seconds.'
            : 'This attempt recorded no samples.'}
        </p>
      ) : (
        <>
          <p className="text-sm text-slate-700">
            Attempt #{attempt?.number}: {table.rows.length} sample
            {table.rows.length === 1 ? '' : 's'}, method {table.methods.join(', ')}
            {table.rows.length > CHART_POINTS &&
              ` (chart averages them into ${CHART_POINTS} points)`}
            .
          </p>
          {series.length === 0 ? (
            <p className="text-sm text-slate-700">
              This attempt held no GPU: there is no utilisation to draw. Choose “Power” for the CPU.
            </p>
          ) : (
            <LazyJobsLineChart
              label={`${power ? 'Power draw in watts' : 'GPU utilisation in per cent'} of ${devices.join(', ')} over attempt ${attempt?.number} of ${job.name}, by time since its first sample; the table below has every sample.`}
              data={chartRows}
              xKey="t"
              formatX={spanS < 120 ? (v) => `${formatNumber(v, 3)} s` : formatElapsed}
              series={series}
              yLabel={power ? 'W' : '%'}
              formatY={(v) => formatNumber(v, 3)}
              yDomain={power ? undefined : [0, 100]}
            />
          )}
          <details className="text-sm">
            <summary className="cursor-pointer text-brand-700">Every sample as a table</summary>
            <div className="mt-2">
              <JobsDataTable<TelemetryRow>
                caption={`Telemetry samples of attempt ${attempt?.number} of ${job.name}`}
                rows={table.rows}
                rowKey={(r, i) => `${i}-${r.at}`}
                columns={columns}
              />
            </div>
          </details>
        </>
      )}
    </section>
  );
}
