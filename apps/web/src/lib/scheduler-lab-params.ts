import { GRID_ZONES } from '@wattwise/cost-model';
import type { SimulatePayloadInput } from '@wattwise/api/payloads';

import type { RouterInputs } from './trpc';

/**
 * The scheduler lab's form and the job it shows, as they travel in the page's URL
 * (`?job=job_…&policies=fifo,backfill&site=DE-LU&limit=300…`), so a comparison is a link.
 * Client code imports only types from @wattwise/api; the name lists below mirror the scheduler's
 * (`POLICY_NAMES`, `PLACEMENTS`) and the tests check them against the API's payload schema.
 */

export const LAB_POLICIES = ['fifo', 'backfill', 'las', 'fair', 'cost-aware'] as const;
export type LabPolicy = (typeof LAB_POLICIES)[number];

export const POLICY_LABELS: Record<LabPolicy, string> = {
  fifo: 'FIFO (first come, first served)',
  backfill: 'Backfill (EASY)',
  las: 'LAS (least attained service)',
  fair: 'Fair share',
  'cost-aware': 'Cost-aware (cheap, clean hours)',
};

export const LAB_PLACEMENTS = ['best-fit', 'first-fit', 'fgd'] as const;
export type LabPlacement = (typeof LAB_PLACEMENTS)[number];

export const LAB_ZONES: readonly { id: string; alias: string; currency: string }[] = GRID_ZONES;

/** The bundled Alibaba GPU trace (2023, default pod list); the only trace the lab offers. */
export const LAB_TRACES = [
  { id: 'alibaba2023', label: 'Alibaba GPU 2023: default pod list (bundled, 8,152 pods)' },
] as const;

export const LAB_BOUNDS = {
  compress: { min: 1, max: 1_000_000 },
  deferHours: { min: 0, max: 720 },
  /** Kept small in the lab so runs stay short; the CLI takes the whole trace. */
  limit: { min: 1, max: 10_000 },
  seed: { min: 0, max: 2 ** 31 - 1 },
} as const;

export type LabForm = {
  team: string;
  policies: LabPolicy[];
  placement: LabPlacement;
  site: string;
  /** A calendar day, YYYY-MM-DD (UTC midnight). */
  start: string;
  compress: number;
  deferHours: number;
  powerDown: boolean;
  limit: number;
  seed: number;
};

export const LAB_DEFAULTS: LabForm = {
  team: '',
  policies: ['fifo', 'backfill'],
  placement: 'best-fit',
  site: 'US-CAL-CISO',
  start: '2023-01-01',
  compress: 350,
  deferHours: 0,
  powerDown: false,
  limit: 300,
  seed: 42,
};

export type LabState = { job: string | undefined; form: LabForm };

const JOB_ID = /^[\w-]{1,100}$/;
const TEAM_ID = /^[\w-]{1,100}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function isDay(s: string): boolean {
  return DAY.test(s) && Number.isFinite(Date.parse(`${s}T00:00:00Z`));
}

function numberIn(
  raw: string | null,
  bounds: { min: number; max: number },
  fallback: number,
  integer: boolean,
): number {
  if (raw === null || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < bounds.min || n > bounds.max) return fallback;
  if (integer && !Number.isInteger(n)) return fallback;
  return n;
}

/** Policies from a list in any order, kept in the lab's order, unknown names dropped. */
export function normalisePolicies(names: readonly string[]): LabPolicy[] {
  return LAB_POLICIES.filter((p) => names.includes(p));
}

/** The lab's state from the URL; anything missing or out of range takes its default. */
export function labStateFromSearch(params: { get(key: string): string | null }): LabState {
  const d = LAB_DEFAULTS;
  const jobParam = params.get('job');
  const teamParam = params.get('team');
  const policiesParam = params.get('policies');
  const policies = policiesParam ? normalisePolicies(policiesParam.split(',')) : d.policies;
  const placement = params.get('placement');
  const siteParam = params.get('site');
  const site = LAB_ZONES.find((z) => z.id === siteParam)?.id ?? d.site;
  const startParam = params.get('start') ?? '';
  return {
    job: jobParam && JOB_ID.test(jobParam) ? jobParam : undefined,
    form: {
      team: teamParam && TEAM_ID.test(teamParam) ? teamParam : d.team,
      policies: policies.length >= 2 ? policies : d.policies,
      placement: (LAB_PLACEMENTS as readonly string[]).includes(placement ?? '')
        ? (placement as LabPlacement)
        : d.placement,
      site,
      start: isDay(startParam) ? startParam : d.start,
      compress: numberIn(params.get('compress'), LAB_BOUNDS.compress, d.compress, false),
      deferHours: numberIn(params.get('defer'), LAB_BOUNDS.deferHours, d.deferHours, false),
      powerDown: params.get('powerDown') === '1',
      limit: numberIn(params.get('limit'), LAB_BOUNDS.limit, d.limit, true),
      seed: numberIn(params.get('seed'), LAB_BOUNDS.seed, d.seed, true),
    },
  };
}

/** The URL query of a state: only what differs from the defaults, in a fixed order. */
export function searchFromLabState(state: LabState): string {
  const d = LAB_DEFAULTS;
  const f = state.form;
  const q = new URLSearchParams();
  if (state.job) q.set('job', state.job);
  if (f.team) q.set('team', f.team);
  if (f.policies.join(',') !== d.policies.join(',')) q.set('policies', f.policies.join(','));
  if (f.placement !== d.placement) q.set('placement', f.placement);
  if (f.site !== d.site) q.set('site', f.site);
  if (f.start !== d.start) q.set('start', f.start);
  if (f.compress !== d.compress) q.set('compress', String(f.compress));
  if (f.deferHours !== d.deferHours) q.set('defer', String(f.deferHours));
  if (f.powerDown) q.set('powerDown', '1');
  if (f.limit !== d.limit) q.set('limit', String(f.limit));
  if (f.seed !== d.seed) q.set('seed', String(f.seed));
  return q.toString().replaceAll('%2C', ',');
}

/** What is wrong with a form before it is sent (the server checks everything again). */
export function labFormErrors(f: LabForm): Partial<Record<keyof LabForm, string>> {
  const errors: Partial<Record<keyof LabForm, string>> = {};
  const range = (key: keyof typeof LAB_BOUNDS, value: number, integer: boolean) => {
    const b = LAB_BOUNDS[key];
    if (
      !Number.isFinite(value) ||
      value < b.min ||
      value > b.max ||
      (integer && !Number.isInteger(value))
    )
      return `must be ${integer ? 'a whole number ' : ''}from ${b.min.toLocaleString('en')} to ${b.max.toLocaleString('en')}`;
    return undefined;
  };
  if (!f.team) errors.team = 'choose a team';
  if (f.policies.length < 2) errors.policies = 'choose at least two policies to compare';
  if (!isDay(f.start)) errors.start = 'must be a date';
  const compress = range('compress', f.compress, false);
  if (compress) errors.compress = compress;
  const defer = range('deferHours', f.deferHours, false);
  if (defer) errors.deferHours = defer;
  const limit = range('limit', f.limit, true);
  if (limit) errors.limit = limit;
  const seed = range('seed', f.seed, true);
  if (seed) errors.seed = seed;
  return errors;
}

/** The `simulate` payload of a form: the bundled trace, the chosen policies side by side. */
export function simulatePayloadOf(f: LabForm): SimulatePayloadInput {
  return {
    trace: { format: 'alibaba2023' },
    compare: [...f.policies],
    placement: f.placement,
    site: f.site,
    start: `${f.start}T00:00:00Z`,
    compress: f.compress,
    ...(f.deferHours > 0 ? { deferHours: f.deferHours } : {}),
    ...(f.powerDown ? { powerDown: true } : {}),
    limit: f.limit,
    seed: f.seed,
  };
}

/** The jobs.submit input of a form. */
export function labJobInput(f: LabForm): RouterInputs['jobs']['submit'] {
  return {
    kind: 'simulate',
    name: `lab: ${f.policies.join(' vs ')} @ ${f.site}, ${f.limit} jobs`,
    teamId: f.team,
    payload: simulatePayloadOf(f),
  };
}

/**
 * The form back from a submitted job's payload (reopening a previous run), or null when the payload
 * is not one the lab could have sent. The team is the job's.
 */
export function labFormFromPayload(payload: unknown, team: string): LabForm | null {
  if (!payload || typeof payload !== 'object') return null;
  const p = payload as Record<string, unknown>;
  const trace = p.trace as { format?: unknown; path?: unknown } | undefined;
  if (!trace || trace.format !== 'alibaba2023' || trace.path !== undefined) return null;
  if (!Array.isArray(p.compare)) return null;
  const policies = normalisePolicies(p.compare.map(String));
  if (policies.length < 2) return null;
  const q = new URLSearchParams();
  q.set('policies', policies.join(','));
  const put = (key: string, value: unknown) => {
    if (typeof value === 'number' || typeof value === 'string') q.set(key, String(value));
  };
  put('placement', p.placement);
  put('site', typeof p.site === 'string' ? p.site.trim().toUpperCase() : undefined);
  if (typeof p.start === 'string' && Number.isFinite(Date.parse(p.start)))
    q.set('start', new Date(p.start).toISOString().slice(0, 10));
  put('compress', p.compress);
  put('defer', p.deferHours);
  if (p.powerDown === true) q.set('powerDown', '1');
  put('limit', p.limit);
  put('seed', p.seed);
  q.set('team', team);
  return labStateFromSearch(q).form;
}
