'use client';

import Link from 'next/link';

import { formatDayMinute, formatNumber } from '../../lib/format';
import type { HeldIdleGpu, LiveGpu, LiveWorker } from '../../lib/gpus-view';

const th = 'whitespace-nowrap px-2 py-1.5 text-left font-semibold';
const td = 'whitespace-nowrap px-2 py-1.5';
const tdNum = `${td} text-right tabular-nums`;
const val = (v: number | null | undefined, digits = 3) =>
  v === null || v === undefined ? '—' : formatNumber(v, digits);

function JobLink({ jobId, jobName }: { jobId: string; jobName: string }) {
  return (
    <Link href={`/jobs/${encodeURIComponent(jobId)}`} className="text-brand-700 hover:underline">
      {jobName}
    </Link>
  );
}

function holderCell(g: LiveGpu, teamName: (id: string) => string) {
  if (g.holder === null) return <span className="text-slate-600">free</span>;
  if (g.holder === 'other-team')
    return <span className="text-slate-600">another team&apos;s job</span>;
  return (
    <>
      <JobLink jobId={g.holder.jobId} jobName={g.holder.jobName} />{' '}
      <span className="text-slate-600">
        ({teamName(g.holder.teamId)}
        {g.holder.milli < 1000 ? `, ${formatNumber(g.holder.milli / 10, 3)} % of the GPU` : ''})
      </span>
    </>
  );
}

/** Per-GPU telemetry of every live worker: who holds each GPU, its latest sample and its recent mean. */
export function LiveGpus({
  workers,
  recentMinutes,
  idleUtilPct,
  teamName,
}: {
  workers: readonly LiveWorker[];
  recentMinutes: number;
  idleUtilPct: number;
  teamName: (id: string) => string;
}) {
  if (workers.length === 0)
    return (
      <p className="text-sm text-slate-700">
        No worker of this site has been heard from in the last two leases.
      </p>
    );
  return (
    <div className="space-y-4">
      {workers.map((w) => (
        <div key={w.id}>
          <h3 className="text-sm font-semibold">
            {w.hostname}{' '}
            <span className="font-mono text-xs font-normal text-slate-600">{w.id}</span>
          </h3>
          <p className="text-xs text-slate-600">
            last heartbeat {formatDayMinute(w.lastHeartbeatAt)}
          </p>
          {w.gpus.length === 0 ? (
            <p className="mt-1 text-sm text-slate-700">No GPUs registered.</p>
          ) : (
            <div
              role="region"
              aria-label={`GPUs of ${w.hostname}`}
              tabIndex={0}
              className="mt-1 overflow-x-auto rounded border border-slate-200 bg-white"
            >
              <table data-testid={`worker-gpus-${w.hostname}`} className="w-full text-xs">
                <caption className="sr-only">
                  GPUs of worker {w.hostname}: holder, latest sample and the mean utilisation of the
                  last {recentMinutes} minutes of samples
                </caption>
                <thead className="bg-slate-50 text-slate-700">
                  <tr>
                    <th scope="col" className={th}>
                      GPU
                    </th>
                    <th scope="col" className={th}>
                      Held by
                    </th>
                    <th scope="col" className={`${th} text-right`}>
                      Util % (latest)
                    </th>
                    <th scope="col" className={`${th} text-right`}>
                      Util % ({recentMinutes} min mean)
                    </th>
                    <th scope="col" className={`${th} text-right`}>
                      Power W
                    </th>
                    <th scope="col" className={`${th} text-right`}>
                      Memory MiB
                    </th>
                    <th scope="col" className={th}>
                      Sample
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {w.gpus.map((g) => (
                    <tr
                      key={g.index}
                      data-gpu={g.index}
                      className={g.idle ? 'bg-amber-50' : undefined}
                    >
                      <th scope="row" className={`${td} font-medium`}>
                        {g.index} <span className="font-normal text-slate-600">{g.name}</span>
                      </th>
                      <td className={td}>
                        {holderCell(g, teamName)}
                        {g.idle && (
                          <span className="ml-2 rounded-full bg-amber-100 px-2 py-0.5 font-medium text-amber-900">
                            held but idle (&lt; {idleUtilPct} %)
                          </span>
                        )}
                      </td>
                      <td className={tdNum}>{val(g.latest?.util)}</td>
                      <td className={tdNum}>{val(g.recentUtil)}</td>
                      <td className={tdNum}>{val(g.latest?.powerW)}</td>
                      <td className={tdNum}>{val(g.latest?.memoryMiB, 6)}</td>
                      <td className={td}>{g.latest ? formatDayMinute(g.latest.at) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      ))}
    </div>
  );
}

/** GPUs a running job holds while its recent samples show them (nearly) unused. */
export function HeldIdleList({
  items,
  idleUtilPct,
  recentMinutes,
  teamName,
}: {
  items: readonly HeldIdleGpu[];
  idleUtilPct: number;
  recentMinutes: number;
  teamName: (id: string) => string;
}) {
  if (items.length === 0)
    return (
      <p className="text-sm text-slate-700" data-testid="held-idle-none">
        No GPU is held by a running job while idle (under {idleUtilPct} % over its last{' '}
        {recentMinutes} minutes of samples).
      </p>
    );
  return (
    <div
      role="region"
      aria-label="GPUs held but idle"
      tabIndex={0}
      className="overflow-x-auto rounded border border-slate-200 bg-white"
    >
      <table data-testid="held-idle" className="w-full text-xs">
        <caption className="sr-only">
          GPUs held by a running job whose mean utilisation over the last {recentMinutes} minutes of
          samples is under {idleUtilPct} %
        </caption>
        <thead className="bg-slate-50 text-slate-700">
          <tr>
            <th scope="col" className={th}>
              Worker / GPU
            </th>
            <th scope="col" className={th}>
              Job
            </th>
            <th scope="col" className={th}>
              Team
            </th>
            <th scope="col" className={th}>
              Held since
            </th>
            <th scope="col" className={`${th} text-right`}>
              Util % ({recentMinutes} min mean)
            </th>
            <th scope="col" className={`${th} text-right`}>
              Power W
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {items.map((x) => (
            <tr key={`${x.workerId}-${x.gpuIndex}`}>
              <th scope="row" className={`${td} font-medium`}>
                {x.hostname} GPU {x.gpuIndex}{' '}
                <span className="font-normal text-slate-600">{x.gpuName}</span>
              </th>
              <td className={td}>
                <JobLink jobId={x.holder.jobId} jobName={x.holder.jobName} />
              </td>
              <td className={td}>{teamName(x.holder.teamId)}</td>
              <td className={td}>{formatDayMinute(x.holder.startedAt)}</td>
              <td className={tdNum}>{val(x.recentUtil)}</td>
              <td className={tdNum}>{val(x.powerW)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
