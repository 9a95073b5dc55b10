import { formatDateTime, formatDayMinute, formatDuration, formatEnergy } from '../../lib/format';
import type { AttemptEnergy, JobAttempt, JobDetail } from '../../lib/jobs-api';

/** How each energy method reads; "modelled" is an estimate, the others are metered. */
export const METHOD_TEXT: Record<string, string> = {
  'nvml-energy': 'measured: NVML energy counter',
  'nvml-power': 'measured: NVML power samples integrated',
  rapl: 'measured: RAPL counters',
  modelled: 'modelled from utilisation, not metered',
  mixed: 'mixed methods',
};

function gpuPlacement(a: JobAttempt): string {
  if (a.gpuIndices.length === 0) return 'none';
  const share =
    a.milliPerGpu > 0 && a.milliPerGpu < 1000 ? ` (${a.milliPerGpu / 10} % of each)` : '';
  return `GPU ${a.gpuIndices.join(', ')}${share}`;
}

function EnergyCell({ energy }: { energy: AttemptEnergy | null }) {
  if (!energy) return <span className="text-slate-600">not reported</span>;
  return (
    <div>
      <span className="tabular-nums">{formatEnergy(energy.itKWh)}</span>{' '}
      <span className="text-xs text-slate-700">
        ({METHOD_TEXT[energy.method] ?? energy.method})
      </span>
      {energy.devices.length > 0 && (
        <ul className="mt-0.5 text-xs text-slate-700">
          {energy.devices.map((d) => (
            <li key={d.device}>
              {d.device}: <span className="tabular-nums">{formatEnergy(d.kWh)}</span>, {d.method}
              {d.errorBand !== undefined && ` ±${Math.round(d.errorBand * 100)} %`}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Every attempt: where it ran, on which GPUs, when, and the energy its worker metered. */
export function JobAttempts({ job }: { job: JobDetail }) {
  return (
    <section aria-labelledby="attempts-heading" className="space-y-2">
      <h2 id="attempts-heading" className="text-base font-semibold">
        Attempts
      </h2>
      {job.attemptList.length === 0 ? (
        <p className="text-sm text-slate-700">No attempt has started yet.</p>
      ) : (
        <div
          role="region"
          aria-label="Attempts table"
          tabIndex={0}
          className="overflow-x-auto rounded-lg border border-slate-200 bg-white"
        >
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Attempts of {job.name}</caption>
            <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-700">
              <tr>
                {[
                  '#',
                  'State',
                  'Worker',
                  'GPUs',
                  'Started',
                  'Finished',
                  'Ran',
                  'Energy (IT)',
                  'Exit',
                ].map((c) => (
                  <th key={c} scope="col" className="whitespace-nowrap px-3 py-2 font-semibold">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200 align-top">
              {job.attemptList.map((a) => (
                <tr key={a.id} data-attempt={a.number}>
                  <th scope="row" className="px-3 py-2 font-medium tabular-nums">
                    {a.number}
                  </th>
                  <td className="px-3 py-2">
                    {a.state}
                    {a.error && (
                      <div className="max-w-64 break-words text-xs text-red-800">{a.error}</div>
                    )}
                  </td>
                  <td className="break-all px-3 py-2 font-mono text-xs">{a.workerId}</td>
                  <td className="whitespace-nowrap px-3 py-2">{gpuPlacement(a)}</td>
                  <td className="whitespace-nowrap px-3 py-2">
                    <time dateTime={a.startedAt} title={formatDateTime(a.startedAt)}>
                      {formatDayMinute(a.startedAt)}
                    </time>
                  </td>
                  <td className="whitespace-nowrap px-3 py-2">
                    {a.finishedAt ? (
                      <time dateTime={a.finishedAt} title={formatDateTime(a.finishedAt)}>
                        {formatDayMinute(a.finishedAt)}
                      </time>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 tabular-nums">
                    {a.finishedAt
                      ? formatDuration(Date.parse(a.finishedAt) - Date.parse(a.startedAt))
                      : 'running'}
                  </td>
                  <td className="min-w-48 px-3 py-2">
                    <EnergyCell energy={a.energy} />
                  </td>
                  <td className="px-3 py-2 tabular-nums">{a.exitCode ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
