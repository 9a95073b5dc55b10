'use client';

import { formatArgv } from '../../lib/argv';
import { formatDateTime, formatDuration, formatGpuRequest, formatNumber } from '../../lib/format';
import { isFinished } from '../../lib/job-states';
import type { JobDetail } from '../../lib/jobs-api';
import { useCancelJob } from '../../lib/queries';
import { describeError } from '../../lib/trpc';

const dt = 'font-medium text-slate-700';

/** What a job asked for and what came of it: command, resources, window, output, error; cancel while live. */
export function JobDetails({ job }: { job: JobDetail }) {
  const cancel = useCancelJob();
  const payload = job.payload as Record<string, unknown>;
  const argv = Array.isArray(payload.argv) ? (payload.argv as string[]) : null;
  const timeout = typeof payload.timeoutSeconds === 'number' ? payload.timeoutSeconds : null;
  const output = job.result?.outputTail?.trim() ? job.result.outputTail : null;
  return (
    <section
      aria-labelledby="request-heading"
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 text-sm sm:p-5"
    >
      <h2 id="request-heading" className="text-base font-semibold">
        Request and result
      </h2>
      <dl className="grid gap-x-6 gap-y-1 sm:grid-cols-[max-content_1fr]">
        {argv ? (
          <>
            <dt className={dt}>Command</dt>
            <dd>
              <code className="break-all font-mono">{formatArgv(argv)}</code>
            </dd>
          </>
        ) : (
          <>
            <dt className={dt}>Payload</dt>
            <dd>
              <PayloadSummary kind={job.kind} payload={payload} />
            </dd>
          </>
        )}
        {timeout !== null && (
          <>
            <dt className={dt}>Timeout</dt>
            <dd>{formatDuration(timeout * 1000)}</dd>
          </>
        )}
        <dt className={dt}>GPUs</dt>
        <dd>{formatGpuRequest(job.gpus, job.gpuModel)}</dd>
        <dt className={dt}>CPU</dt>
        <dd>
          {job.cpuMilli
            ? `${formatNumber(job.cpuMilli / 1000)} core${job.cpuMilli === 1000 ? '' : 's'}`
            : 'not reserved'}
        </dd>
        <dt className={dt}>Memory</dt>
        <dd>{job.memoryMiB ? `${formatNumber(job.memoryMiB / 1024)} GiB` : 'not reserved'}</dd>
        <dt className={dt}>Expected run time</dt>
        <dd>{job.expectedSeconds ? formatDuration(job.expectedSeconds * 1000) : 'not given'}</dd>
        <dt className={dt}>Earliest start</dt>
        <dd>{job.earliestStartAt ? formatDateTime(job.earliestStartAt) : 'any time'}</dd>
        <dt className={dt}>Deadline</dt>
        <dd>{job.deadlineAt ? formatDateTime(job.deadlineAt) : 'none'}</dd>
        <dt className={dt}>Priority</dt>
        <dd>{job.priority}</dd>
        <dt className={dt}>Attempts</dt>
        <dd>
          {job.attempts} of at most {job.maxAttempts}
          {job.failures > 0 && ` (${job.failures} failed)`}
        </dd>
        <dt className={dt}>Started</dt>
        <dd>{formatDateTime(job.startedAt)}</dd>
        <dt className={dt}>Finished</dt>
        <dd>{formatDateTime(job.finishedAt)}</dd>
        {job.result && (
          <>
            <dt className={dt}>Exit code</dt>
            <dd className="tabular-nums">
              {job.result.exitCode ?? '—'}
              {job.result.signal ? ` (signal ${job.result.signal})` : ''}
            </dd>
          </>
        )}
      </dl>
      {job.error && (
        <div>
          <h3 className="font-medium text-red-800">Error</h3>
          <pre className="mt-1 whitespace-pre-wrap break-words rounded bg-red-50 p-3 font-mono text-xs text-red-900">
            {job.error}
          </pre>
        </div>
      )}
      <div>
        <h3 className="font-medium text-slate-800">Output (last lines)</h3>
        {output ? (
          <pre
            data-testid="job-output"
            className="mt-1 max-h-72 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-900 p-3 font-mono text-xs text-slate-100"
          >
            {output}
          </pre>
        ) : (
          <p className="mt-1 text-slate-600">
            {isFinished(job.state)
              ? 'No output was recorded.'
              : 'Output appears when the job finishes.'}
          </p>
        )}
      </div>
      {!isFinished(job.state) && (
        <div className="flex flex-wrap items-center gap-3">
          <button
            type="button"
            onClick={() => cancel.mutate(job.id)}
            disabled={cancel.isPending || job.cancelRequested}
            className="rounded border border-red-700 bg-white px-3 py-1.5 text-sm font-medium text-red-800 hover:bg-red-50 disabled:opacity-60"
          >
            {job.cancelRequested ? 'Cancellation requested' : `Cancel ${job.name}`}
          </button>
          {cancel.error && (
            <p role="alert" className="text-red-700">
              {describeError(cancel.error).message}
            </p>
          )}
        </div>
      )}
    </section>
  );
}

/** The few fields that say what an nn-train or simulate job does; the rest stays in the API. */
function PayloadSummary({ kind, payload }: { kind: string; payload: Record<string, unknown> }) {
  const parts: string[] = [];
  if (kind === 'nn-train') {
    const ds = payload.dataset as { type?: string; name?: string; samples?: number } | undefined;
    if (ds?.type === 'builtin')
      parts.push(`dataset ${ds.name ?? '?'} (${ds.samples ?? 1000} samples)`);
    else if (ds?.type === 'csv') parts.push('dataset from an inline CSV');
    if (typeof payload.epochs === 'number') parts.push(`${payload.epochs} epochs`);
    if (typeof payload.batchSize === 'number') parts.push(`batch ${payload.batchSize}`);
  } else if (kind === 'simulate') {
    const trace = payload.trace as { format?: string } | undefined;
    if (trace?.format) parts.push(`trace ${trace.format}`);
    if (typeof payload.policy === 'string') parts.push(`policy ${payload.policy}`);
    if (Array.isArray(payload.compare)) parts.push(`compare ${payload.compare.join(', ')}`);
  }
  return <span>{parts.length ? parts.join(' · ') : kind}</span>;
}
