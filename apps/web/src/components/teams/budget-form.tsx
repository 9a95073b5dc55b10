'use client';

import { useState, type FormEvent } from 'react';

import { formatMoney } from '../../lib/format';
import {
  budgetFormErrors,
  budgetInput,
  budgetIssues,
  monthLabel,
  type BudgetDraft,
  type BudgetField,
  type TeamMonth,
} from '../../lib/teams-params';
import { useSetBudget } from '../../lib/teams-queries';
import { describeError } from '../../lib/trpc';
import { FormField, inputClass } from '../form-field';

/** Sets a team's budget for a month (admins), in the site's currency. */
export function BudgetForm({
  teams,
  month,
  currency,
}: {
  teams: readonly TeamMonth[];
  month: string;
  currency: string;
}) {
  const [draft, setDraft] = useState<BudgetDraft>({
    teamId: '',
    month,
    amount: '',
    holdOverBudget: false,
  });
  const [errors, setErrors] = useState<Partial<Record<BudgetField, string>>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const setBudget = useSetBudget();
  const teamId = draft.teamId || teams[0]?.teamId || '';

  const change = (patch: Partial<BudgetDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setMessage(null);
  };

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = { ...draft, teamId };
    const found = budgetFormErrors(form);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setMessage({ ok: false, text: 'Fix the fields marked above.' });
      return;
    }
    try {
      const saved = await setBudget.mutateAsync(budgetInput(form));
      const team = teams.find((t) => t.teamId === saved.teamId)?.team ?? saved.teamId;
      setMessage({
        ok: true,
        text: `Budget for ${team} in ${monthLabel(saved.month)} set to ${formatMoney(saved.amount, saved.currency)}${saved.holdOverBudget ? ', holding jobs that would go over it' : ''}.`,
      });
    } catch (error) {
      const { message: text, issues } = describeError(error);
      const mapped = budgetIssues(issues);
      // A refusal naming a field ("teamId: no team …") without zod issues still lands on its field.
      const named = /^(teamId|month|amount): (.*)$/.exec(text);
      if (named && issues.length === 0) mapped.fields[named[1] as BudgetField] = named[2]!;
      setErrors(mapped.fields);
      setMessage({ ok: false, text: mapped.other.length ? mapped.other.join('; ') : text });
    }
  }

  return (
    <section
      aria-labelledby="budget-heading"
      className="rounded-lg border border-slate-200 bg-white p-4"
    >
      <h2 id="budget-heading" className="text-base font-semibold">
        Set a budget
      </h2>
      <p className="mt-1 text-sm text-slate-700">
        In {currency}, for one calendar month (UTC). Setting it again replaces it.
      </p>
      <form
        noValidate
        onSubmit={onSubmit}
        className="mt-3 grid gap-4 sm:grid-cols-2 lg:grid-cols-4"
      >
        <FormField id="budget-team" label="Team" required error={errors.teamId}>
          {(control) => (
            <select
              {...control}
              value={teamId}
              onChange={(e) => change({ teamId: e.target.value })}
              className={inputClass}
            >
              {teams.map((t) => (
                <option key={t.teamId} value={t.teamId}>
                  {t.team}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField id="budget-month" label="Month" required error={errors.month}>
          {(control) => (
            <input
              {...control}
              type="month"
              value={draft.month}
              onChange={(e) => change({ month: e.target.value })}
              className={inputClass}
            />
          )}
        </FormField>
        <FormField id="budget-amount" label={`Amount (${currency})`} required error={errors.amount}>
          {(control) => (
            <input
              {...control}
              type="number"
              inputMode="decimal"
              min={0}
              step="any"
              value={draft.amount}
              onChange={(e) => change({ amount: e.target.value })}
              className={inputClass}
            />
          )}
        </FormField>
        <div className="flex items-end pb-1.5">
          <label className="flex items-center gap-2 text-sm text-slate-800">
            <input
              type="checkbox"
              checked={draft.holdOverBudget}
              onChange={(e) => change({ holdOverBudget: e.target.checked })}
              className="h-4 w-4"
            />
            Hold jobs that would go over it
          </label>
        </div>
        <div className="flex flex-wrap items-center gap-3 sm:col-span-2 lg:col-span-4">
          <button
            type="submit"
            disabled={setBudget.isPending}
            className="rounded bg-brand-700 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-800 disabled:opacity-60"
          >
            {setBudget.isPending ? 'Saving…' : 'Set budget'}
          </button>
          {message && (
            <p
              role={message.ok ? 'status' : 'alert'}
              className={`text-sm ${message.ok ? 'text-emerald-800' : 'font-medium text-red-700'}`}
            >
              {message.text}
            </p>
          )}
        </div>
      </form>
    </section>
  );
}
