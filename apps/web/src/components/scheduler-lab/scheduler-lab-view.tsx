'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useState, type FormEvent } from 'react';

import { formatDateTime, formatPercent } from '../../lib/format';
import { isFinished } from '../../lib/job-states';
import { useCancelJob, useJob, useJobsPage, useSubmitJob, useTeams } from '../../lib/queries';
import {
  LAB_BOUNDS,
  LAB_PLACEMENTS,
  LAB_POLICIES,
  LAB_TRACES,
  LAB_ZONES,
  POLICY_LABELS,
  labFormErrors,
  labFormFromPayload,
  labJobInput,
  labStateFromSearch,
  searchFromLabState,
  type LabForm,
  type LabPlacement,
  type LabPolicy,
  type LabState,
} from '../../lib/scheduler-lab-params';
import { latestLabProgress, parseLabOutput } from '../../lib/scheduler-lab-result';
import { describeError } from '../../lib/trpc';
import { FormField, inputClass } from '../form-field';
import { JobStateBadge } from '../jobs/job-state-badge';
import { LabCharts, LabComparisonTable } from './lab-results';

type NumberKey = 'compress' | 'deferHours' | 'limit' | 'seed';
type Draft = Omit<LabForm, NumberKey> & Record<NumberKey, string>;

function toDraft(f: LabForm): Draft {
  return {
    ...f,
    compress: String(f.compress),
    deferHours: String(f.deferHours),
    limit: String(f.limit),
    seed: String(f.seed),
  };
}

function fromDraft(d: Draft): LabForm {
  const num = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));
  return {
    ...d,
    compress: num(d.compress),
    deferHours: num(d.deferHours),
    limit: num(d.limit),
    seed: num(d.seed),
  };
}

/**
 * The scheduler lab: a form that submits a `simulate` job comparing policies on the bundled
 * Alibaba trace, its progress while it runs, then the policies side by side. The form and the job
 * are in the URL, so a comparison is a link.
 */
export function SchedulerLabView() {
  const params = useSearchParams();
  const [initial] = useState<LabState>(() => labStateFromSearch(params));
  const [draft, setDraft] = useState<Draft>(() => toDraft(initial.form));
  const [jobId, setJobId] = useState<string | undefined>(initial.job);
  const [errors, setErrors] = useState<Partial<Record<keyof LabForm, string>>>({});
  const [refusal, setRefusal] = useState<string | null>(null);
  const teams = useTeams();
  const submit = useSubmitJob();

  const team = draft.team || teams.data?.[0]?.id || '';

  const writeUrl = (next: Draft, job: string | undefined) => {
    const query = searchFromLabState({ job, form: fromDraft(next) });
    // Native history integrates with the app router without a server round trip.
    window.history.replaceState(null, '', query ? `?${query}` : window.location.pathname);
  };
  const change = (patch: Partial<Draft>) => {
    const next = { ...draft, ...patch };
    setDraft(next);
    writeUrl(next, jobId);
  };
  const openJob = (id: string | undefined, form?: LabForm) => {
    const next = form ? toDraft(form) : draft;
    if (form) setDraft(next);
    setJobId(id);
    writeUrl(next, id);
  };

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = fromDraft({ ...draft, team });
    const found = labFormErrors(form);
    setErrors(found);
    setRefusal(null);
    if (Object.keys(found).length > 0) {
      setRefusal(`fix the ${Object.keys(found).length === 1 ? 'field' : 'fields'} marked above.`);
      return;
    }
    try {
      const job = await submit.mutateAsync(labJobInput(form));
      openJob(job.id, form);
    } catch (error) {
      const { message, issues } = describeError(error);
      setRefusal(
        issues.length
          ? issues.map((i) => `${i.path || '(input)'}: ${i.message}`).join('; ')
          : message,
      );
    }
  }

  const numberField = (
    key: NumberKey,
    label: string,
    hint: string,
    step: string,
    bounds: { min: number; max: number },
  ) => (
    <FormField id={`lab-${key}`} label={label} hint={hint} error={errors[key]}>
      {(control) => (
        <input
          {...control}
          type="number"
          inputMode="decimal"
          min={bounds.min}
          max={bounds.max}
          step={step}
          value={draft[key]}
          onChange={(e) => change({ [key]: e.target.value })}
          className={inputClass}
        />
      )}
    </FormField>
  );

  return (
    <div className="space-y-6">
      <div className="grid gap-6 2xl:grid-cols-[minmax(0,3fr)_minmax(0,1fr)]">
        <section
          aria-labelledby="lab-form-heading"
          className="min-w-0 rounded-lg border border-slate-200 bg-white p-5"
        >
          <h2 id="lab-form-heading" className="text-base font-semibold">
            Run a comparison
          </h2>
          <form
            onSubmit={onSubmit}
            noValidate
            className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-4"
          >
            <FormField
              id="lab-trace"
              label="Trace"
              required
              className="sm:col-span-2"
              hint="Replayed from its start; arrival times divided by the compression."
            >
              {(control) => (
                <select {...control} className={inputClass} value="alibaba2023" disabled>
                  {LAB_TRACES.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.label}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
            <FormField
              id="lab-team"
              label="Team"
              required
              error={errors.team ?? (teams.error ? describeError(teams.error).message : undefined)}
              hint="The team the job runs for."
            >
              {(control) => (
                <select
                  {...control}
                  className={inputClass}
                  value={team}
                  disabled={!teams.data}
                  onChange={(e) => change({ team: e.target.value })}
                >
                  {!teams.data && <option value="">Loading teams…</option>}
                  {teams.data?.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.name}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
            <FormField
              id="lab-site"
              label="Site (grid zone)"
              required
              hint="Hourly price and carbon of 2023."
            >
              {(control) => (
                <select
                  {...control}
                  className={inputClass}
                  value={draft.site}
                  onChange={(e) => change({ site: e.target.value })}
                >
                  {LAB_ZONES.map((z) => (
                    <option key={z.id} value={z.id}>
                      {z.id} ({z.alias}, {z.currency})
                    </option>
                  ))}
                </select>
              )}
            </FormField>

            <fieldset
              className="sm:col-span-2 lg:col-span-4"
              aria-describedby={errors.policies ? 'lab-policies-error' : 'lab-policies-hint'}
            >
              <legend className="text-sm font-medium text-slate-800">
                Policies <span className="font-normal text-slate-600">(two or more)</span>
              </legend>
              <div className="mt-1 flex flex-wrap gap-x-5 gap-y-2">
                {LAB_POLICIES.map((p) => (
                  <label key={p} className="flex items-center gap-2 text-sm text-slate-800">
                    <input
                      type="checkbox"
                      name="policies"
                      value={p}
                      checked={draft.policies.includes(p)}
                      onChange={(e) =>
                        change({
                          policies: LAB_POLICIES.filter((q) =>
                            q === p ? e.target.checked : draft.policies.includes(q),
                          ) as LabPolicy[],
                        })
                      }
                      className="h-4 w-4 accent-brand-600"
                    />
                    <span>
                      <span className="font-mono">{p}</span>{' '}
                      <span className="text-slate-600">{POLICY_LABELS[p]}</span>
                    </span>
                  </label>
                ))}
              </div>
              {errors.policies ? (
                <p id="lab-policies-error" className="mt-1 text-sm font-medium text-red-700">
                  {errors.policies}
                </p>
              ) : (
                <p id="lab-policies-hint" className="mt-1 text-xs text-slate-600">
                  The first one ticked is the baseline the others are compared with.
                </p>
              )}
            </fieldset>

            <FormField
              id="lab-placement"
              label="Placement"
              required
              hint="How a job's GPUs are chosen."
            >
              {(control) => (
                <select
                  {...control}
                  className={inputClass}
                  value={draft.placement}
                  onChange={(e) => change({ placement: e.target.value as LabPlacement })}
                >
                  {LAB_PLACEMENTS.map((p) => (
                    <option key={p} value={p}>
                      {p}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
            <FormField
              id="lab-start"
              label="Start date (UTC)"
              required
              error={errors.start}
              hint="Calendar time of the trace start."
            >
              {(control) => (
                <input
                  {...control}
                  type="date"
                  min="2023-01-01"
                  max="2023-12-31"
                  value={draft.start}
                  onChange={(e) => change({ start: e.target.value })}
                  className={inputClass}
                />
              )}
            </FormField>
            {numberField(
              'limit',
              'Jobs (limit)',
              'The first N pods; keep it small for a quick run.',
              '1',
              LAB_BOUNDS.limit,
            )}
            {numberField(
              'compress',
              'Compression',
              'Divides arrival times (run times kept).',
              'any',
              LAB_BOUNDS.compress,
            )}
            {numberField(
              'deferHours',
              'Defer hours',
              'How late cost-aware may start a job; 0: never.',
              'any',
              LAB_BOUNDS.deferHours,
            )}
            {numberField('seed', 'Seed', 'Seed of the random draws.', '1', LAB_BOUNDS.seed)}
            <div className="flex items-end sm:col-span-2">
              <label className="flex items-center gap-2 pb-1.5 text-sm text-slate-800">
                <input
                  type="checkbox"
                  checked={draft.powerDown}
                  onChange={(e) => change({ powerDown: e.target.checked })}
                  className="h-4 w-4 accent-brand-600"
                />
                Power down idle nodes
              </label>
            </div>

            <div className="flex flex-wrap items-center gap-3 sm:col-span-2 lg:col-span-4">
              <button
                type="submit"
                disabled={submit.isPending || !teams.data}
                className="rounded bg-brand-700 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-800 disabled:opacity-60"
              >
                {submit.isPending ? 'Submitting…' : 'Run comparison'}
              </button>
              {refusal && (
                <p role="alert" className="text-sm font-medium text-red-700">
                  Not submitted: {refusal}
                </p>
              )}
            </div>
          </form>
        </section>
        <LabHistory current={jobId} onOpen={openJob} />
      </div>

      {jobId ? (
        <LabJob id={jobId} />
      ) : (
        <p className="text-sm text-slate-700">
          Choose two or more policies and run a comparison; its results appear here.
        </p>
      )}
    </div>
  );
}

/** One lab run: its state and progress while it runs, then the comparison. */
function LabJob({ id }: { id: string }) {
  const job = useJob(id);
  const cancel = useCancelJob();
  const data = job.data;
  const loadError = job.error ?? (data ? null : job.failureReason);
  if (loadError)
    return (
      <p role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-900">
        Could not load lab run {id}: {describeError(loadError).message}
      </p>
    );
  if (!data) return <p className="text-sm text-slate-700">Loading the lab run…</p>;

  const finished = isFinished(data.state);
  const progress = latestLabProgress(data.attemptList);
  const output = data.state === 'succeeded' ? parseLabOutput(data.result) : null;

  return (
    <div className="space-y-6" data-testid="lab-run" data-job-id={data.id} data-state={data.state}>
      <section
        aria-labelledby="lab-run-heading"
        className="rounded-lg border border-slate-200 bg-white p-5"
      >
        <div className="flex flex-wrap items-center gap-3">
          <h2 id="lab-run-heading" className="text-base font-semibold">
            {data.name}
          </h2>
          <JobStateBadge state={data.state} />
          <Link href={`/jobs/${data.id}`} className="text-sm text-brand-700 underline">
            Job page
          </Link>
        </div>
        {!finished && (
          <div className="mt-3 space-y-2" role="status" aria-live="polite">
            <progress
              className="h-2 w-full max-w-xl accent-brand-600"
              max={1}
              value={progress?.share ?? 0}
              aria-label="Simulation progress"
            />
            <p className="text-sm text-slate-700">
              {data.state === 'queued'
                ? `Queued${data.waitReason ? `: ${data.waitReason}` : ''}.`
                : progress
                  ? `${formatPercent(progress.share)}: running ${progress.label} (${progress.run + 1} of ${progress.runs})${
                      progress.jobsTotal !== undefined
                        ? `, ${progress.jobsDone ?? 0} of ${progress.jobsTotal} jobs`
                        : ''
                    }.`
                  : 'Starting…'}
            </p>
            <button
              type="button"
              onClick={() => cancel.mutate(data.id)}
              disabled={cancel.isPending}
              className="rounded border border-slate-400 px-3 py-1 text-sm text-slate-800 hover:bg-slate-100"
            >
              Cancel run
            </button>
          </div>
        )}
        {finished && data.state !== 'succeeded' && (
          <p role="alert" className="mt-3 text-sm text-red-800">
            The run {data.state}
            {data.error ? `: ${data.error}` : '.'}
          </p>
        )}
        {data.state === 'succeeded' && !output && (
          <p role="alert" className="mt-3 text-sm text-red-800">
            The job finished but its result holds no comparison.
          </p>
        )}
      </section>
      {output && (
        <>
          <LabComparisonTable output={output} />
          <LabCharts output={output} />
        </>
      )}
    </div>
  );
}

const HISTORY_INPUT = { limit: 100, offset: 0, sort: 'createdAt', dir: 'desc' } as const;

/** The last ten simulate jobs, to reopen. */
function LabHistory({
  current,
  onOpen,
}: {
  current: string | undefined;
  onOpen: (id: string, form?: LabForm) => void;
}) {
  const list = useJobsPage(HISTORY_INPUT);
  const runs = (list.data?.items ?? []).filter((j) => j.kind === 'simulate').slice(0, 10);
  return (
    <section
      aria-labelledby="lab-history-heading"
      className="min-w-0 rounded-lg border border-slate-200 bg-white p-5"
    >
      <h2 id="lab-history-heading" className="text-base font-semibold">
        Previous runs
      </h2>
      {list.error && (
        <p role="alert" className="mt-2 text-sm text-red-800">
          {describeError(list.error).message}
        </p>
      )}
      {list.data && runs.length === 0 && (
        <p className="mt-2 text-sm text-slate-700">No simulate jobs yet.</p>
      )}
      <ul className="mt-2 divide-y divide-slate-100">
        {runs.map((j) => (
          <li key={j.id} className="flex items-center justify-between gap-3 py-2">
            <div className="min-w-0">
              <p className="truncate text-sm text-ink" title={j.name}>
                {j.name}
              </p>
              <p className="text-xs text-slate-600">
                <JobStateBadge state={j.state} /> {formatDateTime(j.createdAt)}
              </p>
            </div>
            {j.id === current ? (
              <span className="shrink-0 text-xs font-medium text-slate-700">shown</span>
            ) : (
              <button
                type="button"
                onClick={() => onOpen(j.id, labFormFromPayload(j.payload, j.teamId) ?? undefined)}
                aria-label={`Open ${j.name}`}
                className="shrink-0 rounded border border-slate-400 px-2 py-1 text-xs text-slate-800 hover:bg-slate-100"
              >
                Open
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
