import {
  LAB_DEFAULTS,
  LAB_ZONES,
  normalisePolicies,
  searchFromLabState,
} from './scheduler-lab-params';
import { toCsv } from './teams-params';
import type { RouterOutputs } from './trpc';

/**
 * The Recommendations page's state in its URL (`?sort=co2e&days=90`), the scheduler-lab link of a
 * recommendation, and the CSV of what is shown. The list and its order come from `recommendations.list`.
 */

export type Recommendations = RouterOutputs['recommendations']['list'];
export type RecommendationItem = Recommendations['items'][number];
export type RecommendationSort = Recommendations['sort'];

export const REC_WINDOWS = [7, 30, 90] as const;
const DEFAULT_DAYS = 30;

export type RecState = { sort: RecommendationSort; days: number };

export function recStateFromSearch(params: { get(key: string): string | null }): RecState {
  const days = Number(params.get('days'));
  return {
    sort: params.get('sort') === 'co2e' ? 'co2e' : 'money',
    days: (REC_WINDOWS as readonly number[]).includes(days) ? days : DEFAULT_DAYS,
  };
}

export function searchFromRecState(s: RecState): string {
  const q = new URLSearchParams();
  if (s.sort !== 'money') q.set('sort', s.sort);
  if (s.days !== DEFAULT_DAYS) q.set('days', String(s.days));
  return q.toString();
}

const HOUR_MS = 3_600_000;

/** The last `days` days up to the start of the current hour. */
export function periodOf(days: number, nowMs: number): { from: string; to: string } {
  const to = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  return {
    from: new Date(to - days * 24 * HOUR_MS).toISOString(),
    to: new Date(to).toISOString(),
  };
}

export const KIND_TITLES: Record<RecommendationItem['kind'], string> = {
  'power-down-idle': 'Power down idle GPUs',
  'shift-to-cheaper-hours': 'Move jobs to cheaper hours',
  'shift-to-cleaner-hours': 'Move jobs to cleaner hours',
  'right-size-request': 'Ask for fewer GPUs',
  'tier-cold-data': 'Move cold data to a cheaper tier',
  'quantise-inference': 'Serve in 8-bit',
};

/** The scheduler lab with a recommendation's settings, the rest at the lab's defaults; null: none. */
export function labHref(lab: RecommendationItem['lab']): string | null {
  if (!lab) return null;
  const policies = normalisePolicies(lab.policies);
  const query = searchFromLabState({
    job: undefined,
    form: {
      ...LAB_DEFAULTS,
      policies: policies.length >= 2 ? policies : LAB_DEFAULTS.policies,
      site: LAB_ZONES.some((z) => z.id === lab.site) ? lab.site! : LAB_DEFAULTS.site,
      deferHours: lab.deferHours ?? LAB_DEFAULTS.deferHours,
      powerDown: lab.powerDown ?? LAB_DEFAULTS.powerDown,
      team: lab.team ?? LAB_DEFAULTS.team,
    },
  });
  return query ? `/scheduler?${query}` : '/scheduler';
}

/** The list as shown, in its order. */
export function recommendationsCsv(r: Recommendations): string {
  return toCsv(
    [
      'rank',
      'kind',
      'target',
      'monthly_saving',
      'currency',
      'co2e_kg_per_month',
      'confidence',
      'why',
    ],
    r.items.map((i, n) => [
      n + 1,
      i.kind,
      i.target,
      i.monthlySaving,
      i.currency,
      i.co2eKgPerMonth,
      i.confidence,
      i.why,
    ]),
  );
}
