'use client';

import { useState } from 'react';
import type { FormEvent } from 'react';

import { parseCommandLine } from '../../lib/argv';
import { fieldErrors, fieldFor } from '../../lib/field-errors';
import type { SubmitField } from '../../lib/field-errors';
import { useSubmitJob, useTeams } from '../../lib/queries';
import { describeError } from '../../lib/trpc';
import type { FieldIssue } from '../../lib/trpc';
import { FormField, inputClass } from '../form-field';

type Outcome =
  | { kind: 'idle' }
  | { kind: 'submitted'; id: string; name: string }
  | { kind: 'refused'; message: string; fields: Partial<Record<SubmitField, string>> };

/** Submits a `command` job. Validation is the server's: its messages are shown beside the fields. */
export function SubmitJobForm() {
  const teams = useTeams();
  const submit = useSubmitJob();
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });

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
    const timeout = text('timeout').trim();
    try {
      const job = await submit.mutateAsync({
        name: text('name'),
        kind: 'command',
        teamId: text('team') || undefined,
        payload: {
          argv: parsed.argv,
          ...(timeout ? { timeoutSeconds: Number(timeout) } : {}),
        },
      });
      setOutcome({ kind: 'submitted', id: job.id, name: job.name });
    } catch (error) {
      const { message, issues } = describeError(error);
      const fields = fieldErrors(message, issues);
      setOutcome({ kind: 'refused', message: refusalSummary(message, issues, fields), fields });
    }
  }

  const errors = outcome.kind === 'refused' ? outcome.fields : {};
  const teamsError = teams.error ? describeError(teams.error).message : undefined;

  return (
    <section
      aria-labelledby="submit-heading"
      className="rounded-lg border border-slate-200 bg-white p-5"
    >
      <h2 id="submit-heading" className="text-base font-semibold">
        Submit a command job
      </h2>
      <form onSubmit={onSubmit} noValidate className="mt-4 grid gap-4 md:grid-cols-6">
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
  fields: Partial<Record<SubmitField, string>>,
): string {
  const marked = Object.keys(fields).length;
  const allPlaced = issues.length > 0 && issues.every((i) => fieldFor(i.path) !== null);
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
            <code className="font-mono">{outcome.id}</code>.
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
