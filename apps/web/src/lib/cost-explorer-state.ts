/**
 * The cost explorer's view as a URL: `?by=team,day&f-team=team_1&f-project=~none&idle=shared&
 * compare=1&days=7` or `&from=2024-05-01&to=2024-05-31` (inclusive UTC dates), `&sort=total.desc`.
 * Pure functions, so links, the back button and tests all see the same state.
 */

export const DIMENSIONS = ['team', 'project', 'job', 'gpuModel', 'node', 'part', 'day'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const FILTERS = ['team', 'project', 'job', 'gpuModel', 'node', 'part'] as const;
export type FilterDimension = (typeof FILTERS)[number];
export const IDLE_MODES = ['hidden', 'separate', 'shared'] as const;
export type IdleMode = (typeof IDLE_MODES)[number];
export const PERIOD_DAYS = [7, 30, 90] as const;

export const DIMENSION_NAMES: Record<Dimension, string> = {
  team: 'Team',
  project: 'Project',
  job: 'Job',
  gpuModel: 'GPU model',
  node: 'Node',
  part: 'Cost part',
  day: 'Day',
};

/** How "no value recorded" (a job without a project) is written in a URL. */
export const NONE_PARAM = '~none';

export type Period = { kind: 'last'; days: number } | { kind: 'range'; from: string; to: string };
export type Filters = Partial<Record<FilterDimension, (string | null)[]>>;

export type ExplorerState = {
  groupBy: Dimension[];
  filters: Filters;
  idle: IdleMode;
  compare: boolean;
  period: Period;
  sort: { id: string; desc: boolean } | null;
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
const isDimension = (v: string): v is Dimension => (DIMENSIONS as readonly string[]).includes(v);
const isDate = (v: string | null): v is string => !!v && DATE.test(v) && !isNaN(Date.parse(v));

export function parseExplorerState(params: URLSearchParams): ExplorerState {
  const by = (params.get('by') ?? '').split(',').filter(isDimension);
  const groupBy = by.length ? [...new Set(by)].slice(0, 2) : (['team'] as Dimension[]);
  const filters: Filters = {};
  for (const f of FILTERS) {
    const values = params.getAll(`f-${f}`).filter((v) => v.length > 0 && v.length <= 200);
    if (values.length) filters[f] = [...new Set(values)].map((v) => (v === NONE_PARAM ? null : v));
  }
  const idleParam = params.get('idle');
  const idle = (IDLE_MODES as readonly string[]).includes(idleParam ?? '')
    ? (idleParam as IdleMode)
    : 'hidden';
  const from = params.get('from');
  const to = params.get('to');
  const days = Number(params.get('days'));
  const period: Period =
    isDate(from) && isDate(to) && from <= to
      ? { kind: 'range', from, to }
      : { kind: 'last', days: (PERIOD_DAYS as readonly number[]).includes(days) ? days : 30 };
  const sortParam = /^(\w+)\.(asc|desc)$/.exec(params.get('sort') ?? '');
  return {
    groupBy,
    filters,
    idle,
    compare: params.get('compare') === '1',
    period,
    sort: sortParam ? { id: sortParam[1]!, desc: sortParam[2] === 'desc' } : null,
  };
}

export function serializeExplorerState(state: ExplorerState): string {
  const out = new URLSearchParams();
  if (state.groupBy.join(',') !== 'team') out.set('by', state.groupBy.join(','));
  for (const f of FILTERS)
    for (const v of state.filters[f] ?? []) out.append(`f-${f}`, v === null ? NONE_PARAM : v);
  if (state.idle !== 'hidden') out.set('idle', state.idle);
  if (state.compare) out.set('compare', '1');
  if (state.period.kind === 'range') {
    out.set('from', state.period.from);
    out.set('to', state.period.to);
  } else if (state.period.days !== 30) out.set('days', String(state.period.days));
  if (state.sort) out.set('sort', `${state.sort.id}.${state.sort.desc ? 'desc' : 'asc'}`);
  return out.toString();
}

/**
 * The API's period: whole UTC days. "Last N days" is today and the N − 1 days before it, so the
 * current hour is in and the comparison period is the N days before that.
 */
export function periodInput(period: Period, nowMs: number): { from: string; to: string } {
  if (period.kind === 'range')
    return {
      from: `${period.from}T00:00:00Z`,
      to: new Date(Date.parse(`${period.to}T00:00:00Z`) + DAY_MS).toISOString(),
    };
  const tomorrow = Math.floor(nowMs / DAY_MS) * DAY_MS + DAY_MS;
  return {
    from: new Date(tomorrow - period.days * DAY_MS).toISOString(),
    to: new Date(tomorrow).toISOString(),
  };
}

/** Where a drill-down goes next from each dimension: who → what they ran → what it cost. */
const NEXT: Record<Dimension, Dimension> = {
  team: 'project',
  project: 'job',
  job: 'part',
  gpuModel: 'node',
  node: 'job',
  part: 'team',
  day: 'team',
};

function successor(d: Dimension, taken: (d: Dimension) => boolean): Dimension | null {
  let next = NEXT[d];
  for (let i = 0; i < DIMENSIONS.length; i++, next = NEXT[next]) if (!taken(next)) return next;
  return null;
}

/**
 * The view after clicking a row: its values become filters (a day becomes the period when it is
 * the only dimension) and the first dimension moves on to the next one not yet filtered; a second
 * `day` stays, any other second dimension now filtered goes. Null when there is nowhere to go.
 */
export function drillDown(
  state: ExplorerState,
  keys: readonly (string | null)[],
): ExplorerState | null {
  const filters: Filters = { ...state.filters };
  let period = state.period;
  state.groupBy.forEach((d, i) => {
    const key = keys[i] ?? null;
    if (d === 'day') {
      if (state.groupBy.length === 1 && key) period = { kind: 'range', from: key, to: key };
    } else filters[d] = [key];
  });
  const taken = (d: Dimension) => d !== 'day' && filters[d] !== undefined;
  const first = successor(state.groupBy[0]!, (d) => taken(d) || d === 'day');
  if (!first) return null;
  const second = state.groupBy[1];
  const groupBy: Dimension[] = [first];
  if (second === 'day' || (second && !taken(second) && second !== first)) groupBy.push(second);
  return { ...state, filters, period, groupBy, sort: null };
}
