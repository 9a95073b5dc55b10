'use client';

import Link from 'next/link';
import { useState } from 'react';

import { formatDateTime, formatGpuRequest } from '../../lib/format';
import { useReleaseJob } from '../../lib/teams-queries';
import type { TeamsSummary } from '../../lib/teams-params';
import { describeError } from '../../lib/trpc';

/** Jobs a budget holds before admission; an admin may let each into the queue. */
export function HeldJobs({ summary }: { summary: TeamsSummary }) {
  const release = useReleaseJob();
  const [error, setError] = useState<string | null>(null);
  const admin = summary.scope === 'facility';
  const held = summary.teams.flatMap((t) => t.held.map((j) => ({ ...j, team: t.team })));
  return (
    <section aria-labelledby="held-heading" className="space-y-3">
      <h2 id="held-heading" className="text-base font-semibold">
        Held by a budget
      </h2>
      {error && (
        <p
          role="alert"
          className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-900"
        >
          Could not release the job: {error}
        </p>
      )}
      {held.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-700">
          No job is held. A team whose budget holds over-budget work keeps a new job out of the
          queue when its estimate would take the month past the budget.
        </p>
      ) : (
        <div
          role="region"
          aria-label="Held jobs"
          tabIndex={0}
          className="overflow-x-auto rounded-lg border border-slate-200 bg-white"
        >
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Jobs held before admission, oldest first</caption>
            <thead className="bg-slate-50 text-slate-700">
              <tr>
                <th scope="col" className="px-3 py-2 font-semibold">
                  Job
                </th>
                <th scope="col" className="px-3 py-2 font-semibold">
                  Team
                </th>
                <th scope="col" className="px-3 py-2 font-semibold">
                  Why
                </th>
                <th scope="col" className="px-3 py-2 font-semibold">
                  Submitted
                </th>
                {admin && (
                  <th scope="col" className="px-3 py-2 font-semibold">
                    <span className="sr-only">Action</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {held.map((j) => (
                <tr key={j.id}>
                  <td className="px-3 py-2">
                    <Link
                      href={`/jobs/${j.id}`}
                      className="font-medium text-brand-700 underline underline-offset-2"
                    >
                      {j.name}
                    </Link>
                    <div className="text-xs text-slate-600">GPUs: {formatGpuRequest(j.gpus)}</div>
                  </td>
                  <td className="px-3 py-2">{j.team}</td>
                  <td className="px-3 py-2 text-slate-800" data-testid="held-reason">
                    {j.heldReason}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2">{formatDateTime(j.createdAt)}</td>
                  {admin && (
                    <td className="px-3 py-2 text-right">
                      <button
                        type="button"
                        disabled={release.isPending}
                        onClick={() => {
                          setError(null);
                          release.mutate(j.id, {
                            onError: (e) => setError(describeError(e).message),
                          });
                        }}
                        className="rounded border border-slate-400 bg-white px-3 py-1 text-sm font-medium hover:bg-slate-100 disabled:opacity-60"
                      >
                        Release {j.name}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
