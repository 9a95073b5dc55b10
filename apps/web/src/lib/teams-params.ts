import type { RouterInputs, RouterOutputs } from './trpc';

/**
 * The Teams & budgets page's state in its URL (`?month=2025-03&team=team_…`) and the pure helpers
 * behind its table, chart, budget form and CSV. Every figure comes from `teams.summary`.
 */

export type TeamsSummary = RouterOutputs['teams']['summary'];
export type TeamMonth = TeamsSummary['teams'][number];
export type BurnDownDay = TeamMonth['burnDown']['days'][number];

const MONTH = /^(19|20|21)\d\d-(0[1-9]|1[0-2])$/;
const TEAM_ID = /^[\w-]{1,100}$/;

export function isMonth(s: string): boolean {
  return MONTH.test(s);
}

/** The UTC calendar month of an instant, "2025-03". */
export function monthOfInstant(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** "2025-03" → "March 2025". */
export function monthLabel(month: string): string {
  return new Date(`${month}-01T00:00:00Z`).toLocaleDateString('en-GB', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

export type TeamsState = {
  /** Undefined: the current month. */
  month: string | undefined;
  /** The team whose burn-down is drawn; undefined: the first one. */
  team: string | undefined;
};

export function teamsStateFromSearch(params: { get(key: string): string | null }): TeamsState {
  const month = params.get('month') ?? '';
  const team = params.get('team') ?? '';
  return {
    month: isMonth(month) ? month : undefined,
    team: TEAM_ID.test(team) ? team : undefined,
  };
}

export function searchFromTeamsState(state: TeamsState): string {
  const q = new URLSearchParams();
  if (state.month) q.set('month', state.month);
  if (state.team) q.set('team', state.team);
  return q.toString();
}

export type BudgetDraft = {
  teamId: string;
  month: string;
  amount: string;
  holdOverBudget: boolean;
};
export type BudgetField = 'teamId' | 'month' | 'amount';

/** What is wrong with the budget form before it is sent (the server checks everything again). */
export function budgetFormErrors(d: BudgetDraft): Partial<Record<BudgetField, string>> {
  const errors: Partial<Record<BudgetField, string>> = {};
  if (!d.teamId) errors.teamId = 'choose a team';
  if (!isMonth(d.month)) errors.month = 'must be a month, e.g. 2025-03';
  const amount = d.amount.trim() === '' ? Number.NaN : Number(d.amount);
  if (!Number.isFinite(amount) || amount <= 0) errors.amount = 'must be a number above 0';
  else if (amount > 1e12) errors.amount = 'must be at most 1,000,000,000,000';
  return errors;
}

export function budgetInput(d: BudgetDraft): RouterInputs['teams']['setBudget'] {
  return {
    teamId: d.teamId,
    month: d.month,
    amount: Number(d.amount),
    holdOverBudget: d.holdOverBudget,
  };
}

/** The server's field issues (`amount: …`) mapped onto the form's fields; the rest as one message. */
export function budgetIssues(issues: readonly { path: string; message: string }[]): {
  fields: Partial<Record<BudgetField, string>>;
  other: string[];
} {
  const fields: Partial<Record<BudgetField, string>> = {};
  const other: string[] = [];
  for (const i of issues) {
    if (i.path === 'teamId' || i.path === 'month' || i.path === 'amount')
      fields[i.path] = i.message;
    else other.push(`${i.path || '(input)'}: ${i.message}`);
  }
  return { fields, other };
}

/**
 * A team's month as chart rows, one per day (at its start): spend by the day's end so far (solid),
 * the forecast (dashed) and the budget line.
 */
export function burnDownRows(team: TeamMonth) {
  const budget = team.budget?.amount ?? null;
  return team.burnDown.days.map((d) => ({
    t: Date.parse(d.day),
    cumulative: d.cumulative,
    projected: d.projected,
    budget,
  }));
}

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toCsv(
  header: readonly string[],
  rows: readonly (string | number | null)[][],
): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

/** The teams table as shown, one line per team. */
export function teamsCsv(s: TeamsSummary): string {
  return toCsv(
    [
      'month',
      'team',
      'currency',
      'spent',
      'billed',
      'running',
      'budget',
      'used',
      'daily_rate',
      'projected',
      'runs_out',
      'gpu_hours',
      'facility_share',
      'held_jobs',
    ],
    s.teams.map((t) => [
      s.month,
      t.team,
      s.currency,
      t.burnDown.spent,
      t.billed,
      t.running,
      t.budget?.amount ?? null,
      t.burnDown.used,
      t.burnDown.dailyRate,
      t.burnDown.projected,
      t.burnDown.runsOut?.at ?? null,
      t.gpuHours,
      t.facilityShare,
      t.held.length,
    ]),
  );
}
