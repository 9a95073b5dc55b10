'use client';

import { formatArgv } from '../../lib/argv';
import { formatDateTime } from '../../lib/format';
import { isFinished } from '../../lib/job-states';
import { useCancelJob } from '../../lib/queries';
import { describeError } from '../../lib/trpc';
import type { Job } from '../../lib/trpc';

/** What a job ran and what came of it: command, timestamps, output tail, error; cancel while live. */
export function JobDetails({ job }: { job: Job }) {
  const cancel = useCancelJob();
  const output = job.result?.outputTail;
  return (
    <div className="space-y-3 text-sm">
      <dl className="grid gap-x-6 gap-y-1 sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium text-slate-700">Command</dt>
        <dd>
          <code className="break-all font-mono">{formatArgv(job.payload.argv)}</code>
        </dd>
        {job.payload.timeoutSeconds !== undefined && (
          <>
            <dt className="font-medium text-slate-700">Timeout</dt>
            <dd>{job.payload.timeoutSeconds} s</dd>
          </>
        )}
        <dt className="font-medium text-slate-700">Attempts</dt>
        <dd>
          {job.attempts} of at most {job.maxAttempts}
        </dd>
        <dt className="font-medium text-slate-700">Started</dt>
        <dd>{formatDateTime(job.startedAt)}</dd>
        <dt className="font-medium text-slate-700">Finished</dt>
        <dd>{formatDateTime(job.finishedAt)}</dd>
        {job.result?.signal && (
          <>
            <dt className="font-medium text-slate-700">Signal</dt>
            <dd>{job.result.signal}</dd>
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
          <pre className="mt-1 max-h-72 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-900 p-3 font-mono text-xs text-slate-100">
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
        <div className="flex items-center gap-3">
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
    </div>
  );
}
