'use client';

import Link from 'next/link';
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { FormEvent } from 'react';

import { parseCommandLine } from '../../lib/argv';
import { commandJobInput, jobFieldErrors, jobFieldFor, previewInput } from '../../lib/jobs-submit';
import type { JobField, JobFormValues } from '../../lib/jobs-submit';
import { useSubmitJob, useTeams } from '../../lib/queries';
import { describeError } from '../../lib/trpc';
import type { FieldIssue } from '../../lib/trpc';
import { FormField, inputClass } from '../form-field';
import { SubmitPreview } from './submit-preview';

/** Typing pauses this long before the preview asks the server again. */
const PREVIEW_DEBOUNCE_MS = 400;

function formValues(form: HTMLFormElement): JobFormValues {
  const data = new FormData(form);
  const text = (key: string) => String(data.get(key) ?? '');
  const parsed = parseCommandLine(text('command'));
  return {
    name: text('name'),
    team: text('team'),
    argv: 'error' in parsed ? [] : parsed.argv,
    timeout: text('timeout'),
    gpus: text('gpus'),
    cpuCores: text('cpu'),
    memoryGiB: text('memory'),
    gpuModel: text('gpuModel'),
    expectedMinutes: text('expected'),
    earliestStart: text('earliestStart'),
    deadline: text('deadline'),
  };
}

type Outcome =
  | { kind: 'idle' }
  | { kind: 'submitted'; id: string; name: string }
  | { kind: 'refused'; message: string; fields: Partial<Record<JobField, string>> };

/**
 * Submits a `command` job with the resources and window it needs. Validation is the server's: its
 * messages are shown beside the fields (cores, GiB and minutes are converted to the API's units).
 */
export function SubmitJobForm() {
  const teams = useTeams();
  const submit = useSubmitJob();
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const [draft, setDraft] = useState<JobFormValues | null>(null);
  const [preview, setPreview] = useState<ReturnType<typeof previewInput>>(null);
  useEffect(() => {
    if (!draft) return;
    const timer = setTimeout(() => setPreview(previewInput(draft)), PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draft]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (key: string) => String(form.get(key) ?? '');

    const parsed = parseCommandLine(text('command'));
    if ('error' in parsed) {
      setOutcome({
        kind: 'refused',
        message: `the command has an ${parsed.error}.`,
        fields: { command: parsed.error },
      });
      return;
    }
    try {
      const job = await submit.mutateAsync(
        commandJobInput({
          name: text('name'),
          team: text('team'),
          argv: parsed.argv,
          timeout: text('timeout'),
          gpus: text('gpus'),
          cpuCores: text('cpu'),
          memoryGiB: text('memory'),
          gpuModel: text('gpuModel'),
          expectedMinutes: text('expected'),
          earliestStart: text('earliestStart'),
          deadline: text('deadline'),
        }),
      );
      setOutcome({ kind: 'submitted', id: job.id, name: job.name });
    } catch (error) {
      const { message, issues } = describeError(error);
      const fields = jobFieldErrors(message, issues);
      setOutcome({ kind: 'refused', message: refusalSummary(message, issues, fields), fields });
    }
  }

  const errors = outcome.kind === 'refused' ? outcome.fields : {};
  const timeZone = useBrowserTimeZone();
  const teamsError = teams.error ? describeError(teams.error).message : undefined;

  return (
    <section
      aria-labelledby="submit-heading"
      className="rounded-lg border border-slate-200 bg-white p-5"
    >
      <h2 id="submit-heading" className="text-base font-semibold">
        Submit a command job
      </h2>
      <form
        onSubmit={onSubmit}
        onChange={(event) => setDraft(formValues(event.currentTarget))}
        noValidate
        className="mt-4 grid gap-4 md:grid-cols-6"
      >
        <FormField
          id="job-name"
          label="Name"
          required
          error={errors.name}
          className="md:col-span-2"
        >
          {(control) => (
            <input {...control} name="name" type="text" autoComplete="off" className={inputClass} />
          )}
        </FormField>
        <FormField
          id="job-team"
          label="Team"
          required
          error={errors.team ?? teamsError}
          className="md:col-span-2"
        >
          {(control) => (
            <select {...control} name="team" className={inputClass} disabled={!teams.data}>
              {teams.data ? (
                teams.data.map((team) => (
                  <option key={team.id} value={team.id}>
                    {team.name}
                  </option>
                ))
              ) : (
                <option value="">{teams.error ? 'Teams unavailable' : 'Loading teams…'}</option>
              )}
            </select>
          )}
        </FormField>
        <FormField
          id="job-timeout"
          label="Timeout (seconds)"
          error={errors.timeout}
          className="md:col-span-2"
          hint="The worker stops the command after this long."
        >
          {(control) => (
            <input
              {...control}
              name="timeout"
              type="number"
              inputMode="numeric"
              min={1}
              step={1}
              className={inputClass}
            />
          )}
        </FormField>
        <FormField
          id="job-command"
          label="Command"
          required
          error={errors.command}
          className="md:col-span-6"
          hint={
            <>
              Split into arguments like a shell splits words: spaces separate arguments, and{' '}
              <code>&apos;…&apos;</code> or <code>&quot;…&quot;</code> keep spaces inside one. The
              program runs directly, not through a shell: no pipes, variables or wildcards. Example:{' '}
              <code>node -e &quot;console.log(&apos;hello&apos;)&quot;</code>
            </>
          }
        >
          {(control) => (
            <textarea
              {...control}
              name="command"
              rows={2}
              spellCheck={false}
              autoCapitalize="off"
              className={`${inputClass} font-mono`}
            />
          )}
        </FormField>
        <fieldset className="grid gap-4 sm:grid-cols-2 md:col-span-6 lg:grid-cols-4">
          <legend className="mb-2 text-sm font-semibold text-slate-800">Resources</legend>
          <NumberField
            id="job-gpus"
            name="gpus"
            label="GPUs"
            error={errors.gpus}
            hint="Whole GPUs, or a share of one such as 0.5."
          />
          <NumberField
            id="job-cpu"
            name="cpu"
            label="CPU cores"
            error={errors.cpu}
            hint="Fractions allowed, e.g. 0.5."
          />
          <NumberField id="job-memory" name="memory" label="Memory (GiB)" error={errors.memory} />
          <FormField
            id="job-gpu-model"
            label="GPU model"
            error={errors.gpuModel}
            hint={
              <>
                Any of these, separated by <code>|</code>: <code>H100|A100</code>. Empty: any model.
              </>
            }
          >
            {(control) => (
              <input
                {...control}
                name="gpuModel"
                type="text"
                autoComplete="off"
                spellCheck={false}
                className={inputClass}
              />
            )}
          </FormField>
        </fieldset>
        <fieldset className="grid gap-4 sm:grid-cols-2 md:col-span-6 lg:grid-cols-3">
          <legend className="mb-2 text-sm font-semibold text-slate-800">Schedule</legend>
          <NumberField
            id="job-expected"
            name="expected"
            label="Expected run time (minutes)"
            error={errors.expected}
            hint="Lets the scheduler fit it into gaps and move it to cheaper hours."
          />
          <FormField
            id="job-earliest"
            label="Earliest start"
            error={errors.earliestStart}
            hint={timeZone ? `In your time zone (${timeZone}).` : 'In your time zone.'}
          >
            {(control) => (
              <input
                {...control}
                name="earliestStart"
                type="datetime-local"
                className={inputClass}
              />
            )}
          </FormField>
          <FormField
            id="job-deadline"
            label="Deadline"
            error={errors.deadline}
            hint="With an expected run time, the scheduler may defer it to cheaper or cleaner hours before this."
          >
            {(control) => (
              <input {...control} name="deadline" type="datetime-local" className={inputClass} />
            )}
          </FormField>
        </fieldset>
        {draft && <SubmitPreview input={preview} />}
        <div className="flex flex-wrap items-center gap-4 md:col-span-6">
          <button
            type="submit"
            disabled={submit.isPending}
            className="rounded bg-brand-700 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-600 disabled:opacity-60"
          >
            {submit.isPending ? 'Submitting…' : 'Submit job'}
          </button>
          <SubmitOutcome outcome={outcome} />
        </div>
      </form>
    </section>
  );
}

/** The alert's text: a pointer to the fields when every issue is shown beside one, else the server's message. */
function refusalSummary(
  message: string,
  issues: FieldIssue[],
  fields: Partial<Record<JobField, string>>,
): string {
  const marked = Object.keys(fields).length;
  const allPlaced = issues.length > 0 && issues.every((i) => jobFieldFor(i.path) !== null);
  if (marked > 0 && (allPlaced || issues.length === 0)) {
    return marked === 1
      ? 'the server refused one field, marked above.'
      : `the server refused ${marked} fields, marked above.`;
  }
  return message;
}

function SubmitOutcome({ outcome }: { outcome: Outcome }) {
  return (
    <>
      <p role="status" className="text-sm text-slate-700">
        {outcome.kind === 'submitted' && (
          <>
            Submitted <span className="font-medium">{outcome.name}</span> as{' '}
            <Link
              href={`/jobs/${encodeURIComponent(outcome.id)}`}
              className="font-mono text-brand-700 underline"
            >
              {outcome.id}
            </Link>
            .
          </>
        )}
      </p>
      {outcome.kind === 'refused' && (
        <p role="alert" className="text-sm font-medium text-red-700">
          Not submitted: {outcome.message}
        </p>
      )}
    </>
  );
}

const noSubscription = () => () => {};

/** The browser's time zone; none while rendering on the server, so that hydration matches. */
function useBrowserTimeZone(): string | null {
  return useSyncExternalStore(
    noSubscription,
    () => Intl.DateTimeFormat().resolvedOptions().timeZone,
    () => null,
  );
}

/** A decimal input of zero or more, with its label, hint and error. */
function NumberField(props: {
  id: string;
  name: string;
  label: string;
  error: string | undefined;
  hint?: string;
}) {
  return (
    <FormField id={props.id} label={props.label} error={props.error} hint={props.hint}>
      {(control) => (
        <input
          {...control}
          name={props.name}
          type="number"
          inputMode="decimal"
          min={0}
          step="any"
          className={inputClass}
        />
      )}
    </FormField>
  );
}
