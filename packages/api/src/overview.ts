import { seasonalNaiveBand } from '@wattwise/cost-model';
import {
  dailyTotals,
  dataExtent,
  facilityBuckets,
  getSite,
  listSites,
  QueueError,
  reconcile,
  teamBuckets,
  usageSources,
  type CostParts,
  type FacilityBucket,
  type Principal,
  type TeamBucket,
} from '@wattwise/db';
import type { Db } from '@wattwise/db';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The forecast: the next week, from four weeks of daily totals, banded to cover 80 % of past errors. */
const FORECAST_DAYS = 7;
const FORECAST_HISTORY_DAYS = 28;
const FORECAST_COVERAGE = 0.8;

export const COST_PART_NAMES = [
  'hardware',
  'energy',
  'operations',
  'storage',
  'bandwidth',
] as const;

export type OverviewQuery = {
  from: Date;
  to: Date;
  siteId?: string;
  granularity: 'hour' | 'day';
};

/** Where a figure comes from: read from meters, computed from rates, or replayed by the simulator. */
export type Provenance = 'measured' | 'modelled' | 'simulated';

export type FigureInput = {
  name: string;
  value: number | null;
  unit: string;
  provenance: Provenance;
  note: string;
};

/** A headline number with what the Explain drawer shows: formula, inputs and where they come from. */
export type Figure = {
  label: string;
  value: number | null;
  unit: string;
  /** What part it is of a whole: GPU-hours of the capacity, idle cost of the total; null: none. */
  share: { of: 'capacity' | 'total cost'; value: number | null } | null;
  formula: string;
  inputs: FigureInput[];
  provenance: Provenance;
  note: string | null;
};

export type SeriesPoint = CostParts & {
  /** The bucket's first instant (ISO). */
  start: string;
  total: number;
  /** The facility's split of `total` (admin only). */
  jobsCost: number | null;
  idleCost: number | null;
  sharedCost: number | null;
  itKWh: number;
  facilityKWh: number;
  co2eKg: number;
  /** Hours the facility recorded in the bucket (a window may start or end within a day); null for a team. */
  hours: number | null;
  /** Average GPUs over the bucket: the facility's, held by jobs, and asked for by jobs. */
  gpus: number | null;
  gpusAllocated: number | null;
  gpusUsed: number;
};

export type ForecastDay = {
  start: string;
  expected: number | null;
  low: number | null;
  high: number | null;
};

export type OverviewForecast = {
  /** In words, for the page to show beside the band. */
  method: string;
  seasonDays: number;
  historyDays: number;
  coverage: number;
  /** Past errors the first day's band rests on. */
  errorCount: number;
  /** Total cost per UTC day, from the first day not yet complete at `to`. */
  days: ForecastDay[];
  /** The same in the series' buckets (a day's forecast spread evenly over its hours), after `to`. */
  points: ForecastDay[];
};

export type OverviewReconciliation = {
  /** Whole UTC days: cost lines are kept per day. */
  from: string;
  to: string;
  parts: { billedJobs: number; runningJobs: number; idle: number; shared: number };
  /** billedJobs + runningJobs + idle + shared. */
  sum: number;
  /** Σ usage hours' total. */
  facilityTotal: number;
  /** facilityTotal − sum; about 0 when every hour's jobs cost equals its jobs' cost lines. */
  difference: number;
  /** Σ usage hours' jobsCost: what the facility's hours say the jobs cost, against their lines. */
  jobsCostRecorded: number;
  lines: number;
  hours: number;
};

export type OverviewSummary = {
  scope: 'facility' | 'team';
  teamId: string | null;
  currency: string | null;
  window: { from: string; to: string; hours: number; granularity: 'hour' | 'day' };
  /** The buckets drawn: a team's costs are kept per day, so its series is daily whatever was asked. */
  bucket: 'hour' | 'day';
  /** The days of cost lines the team figures and the reconciliation cover. */
  linesPeriod: { from: string; to: string };
  series: SeriesPoint[];
  forecast: OverviewForecast | null;
  /** Why there is no forecast (null when there is one). */
  forecastUnavailable: string | null;
  figures: {
    totalCost: Figure;
    costPerHour: Figure;
    itKWh: Figure;
    facilityKWh: Figure;
    pue: Figure;
    co2e: Figure;
    gpuHoursAllocated: Figure | null;
    gpuHoursUsed: Figure;
    idleCost: Figure | null;
  };
  reconciliation: OverviewReconciliation | null;
  /** Whether the window holds any record. */
  hasData: boolean;
  /**
   * Only for an empty window: the first and last record of any kind, so the page can point at them;
   * null when nothing is recorded yet (or when the window has data).
   */
  dataExtent: { first: string; last: string } | null;
  notes: string[];
};

const floorDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const ceilDay = (ms: number) => Math.ceil(ms / DAY_MS) * DAY_MS;
const iso = (ms: number) => new Date(ms).toISOString();
const day = (ms: number) => iso(ms).slice(0, 10);
const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const sum = <T>(rows: readonly T[], pick: (r: T) => number) =>
  rows.reduce((acc, r) => acc + pick(r), 0);

/**
 * The overview of a window: the five cost parts per bucket with a week's forecast, the headline
 * figures with their explanations, and (admin) the reconciliation of job costs, idle and shared
 * cost with the facility total. A member sees only their team's cost lines.
 */
export async function overviewSummary(
  db: Db,
  principal: Principal,
  q: OverviewQuery,
): Promise<OverviewSummary> {
  const currency = await currencyOf(db, q.siteId);
  const fromMs = q.from.getTime();
  const toMs = q.to.getTime();
  const lines = { from: floorDay(fromMs), to: ceilDay(toMs) };
  const team = principal.role === 'admin' ? null : principal.teamId;
  if (principal.role !== 'admin' && !team)
    throw new QueueError('FORBIDDEN', 'a member token without a team sees no costs');
  const base = {
    currency,
    window: {
      from: iso(fromMs),
      to: iso(toMs),
      hours: (toMs - fromMs) / HOUR_MS,
      granularity: q.granularity,
    },
    linesPeriod: { from: iso(lines.from), to: iso(lines.to) },
  };
  return team ? teamSummary(db, { ...q, teamId: team }, base) : facilitySummary(db, q, lines, base);
}

type Base = Pick<OverviewSummary, 'currency' | 'window' | 'linesPeriod'>;

/** The site's currency, or the one every site bills in; a mix cannot be summed. */
async function currencyOf(db: Db, siteId: string | undefined): Promise<string | null> {
  if (siteId) {
    const site = await getSite(db, siteId);
    if (!site) throw new QueueError('BAD_REQUEST', `siteId: no site has the id "${siteId}"`);
    return site.currency;
  }
  const found = [...new Set((await listSites(db)).map((s) => s.currency))];
  if (found.length > 1)
    throw new QueueError(
      'BAD_REQUEST',
      `siteId: the sites bill in more than one currency (${found.sort().join(', ')}); choose a site`,
    );
  return found[0] ?? null;
}

async function facilitySummary(
  db: Db,
  q: OverviewQuery,
  lines: { from: number; to: number },
  base: Base,
): Promise<OverviewSummary> {
  const toMs = q.to.getTime();
  const history = forecastHistoryRange(toMs);
  const [buckets, daily, recon] = await Promise.all([
    facilityBuckets(db, { from: q.from, to: q.to, siteId: q.siteId, bucket: q.granularity }),
    dailyTotals(db, { from: new Date(history.from), to: new Date(history.to), siteId: q.siteId }),
    reconcile(db, { from: new Date(lines.from), to: new Date(lines.to), siteId: q.siteId }),
  ]);
  const cur = base.currency ?? '';
  const notes: string[] = [];

  const t = totalsOf(buckets);
  const simulated = t.simulatedHours > 0;
  const costProv: Provenance = simulated ? 'simulated' : 'modelled';
  const energyProv: Provenance = simulated ? 'simulated' : 'measured';
  if (simulated && t.meteredHours > 0)
    notes.push(
      `${t.simulatedHours} of ${t.simulatedHours + t.meteredHours} site-hours are simulated history; the rest were metered.`,
    );
  const hoursNote = `${t.hours} hours with a record in the window`;
  const partInputs = COST_PART_NAMES.map((p) => ({
    name: cap(p),
    value: t[p],
    unit: cur,
    provenance: costProv,
    note: PART_NOTES[p],
  }));

  const figures: OverviewSummary['figures'] = {
    totalCost: figure('Total cost', t.total, cur, costProv, {
      formula:
        'Σ over the hours of the window: hardware + energy + operations + storage + bandwidth',
      inputs: partInputs,
      note: hoursNote,
    }),
    costPerHour: figure('Cost per hour', ratio(t.total, t.hours), `${cur}/h`, costProv, {
      formula: 'total cost ÷ hours with a record',
      inputs: [
        {
          name: 'Total cost',
          value: t.total,
          unit: cur,
          provenance: costProv,
          note: 'Σ usage hours',
        },
        { name: 'Hours', value: t.hours, unit: 'h', provenance: 'measured', note: hoursNote },
      ],
    }),
    itKWh: figure('IT energy', t.itKWh, 'kWh', energyProv, {
      formula: 'Σ over the hours of the energy drawn by GPUs and hosts, busy or idle',
      inputs: [sourceInput(t)],
    }),
    facilityKWh: figure('Facility energy', t.facilityKWh, 'kWh', energyProv, {
      formula: 'Σ over the hours of IT kWh × that hour’s PUE (cooling, power conversion)',
      inputs: [
        {
          name: 'IT energy',
          value: t.itKWh,
          unit: 'kWh',
          provenance: energyProv,
          note: 'Σ usage hours',
        },
        sourceInput(t),
      ],
    }),
    pue: figure('PUE', ratio(t.facilityKWh, t.itKWh), '', energyProv, {
      formula: 'facility kWh ÷ IT kWh over the window',
      inputs: [
        {
          name: 'Facility energy',
          value: t.facilityKWh,
          unit: 'kWh',
          provenance: energyProv,
          note: 'Σ usage hours',
        },
        {
          name: 'IT energy',
          value: t.itKWh,
          unit: 'kWh',
          provenance: energyProv,
          note: 'Σ usage hours',
        },
      ],
    }),
    co2e: figure('Emissions', t.co2eKg / 1000, 'tCO2e', costProv, {
      formula: 'Σ over the hours of facility kWh × that hour’s grid intensity (kg CO2e/kWh) ÷ 1000',
      inputs: [
        {
          name: 'Facility energy',
          value: t.facilityKWh,
          unit: 'kWh',
          provenance: energyProv,
          note: 'Σ usage hours',
        },
        {
          name: 'Mean grid intensity',
          value: ratio(t.co2eKg, t.facilityKWh),
          unit: 'kg CO2e/kWh',
          provenance: 'measured',
          note: 'the site’s grid zone, hour by hour (recorded series), weighted by the energy drawn',
        },
      ],
    }),
    gpuHoursAllocated: {
      ...figure('GPU-hours allocated', t.gpuHoursAllocated, 'GPU-h', energyProv, {
        formula:
          'Σ over the hours of the whole GPUs any job held; share = ÷ capacity (Σ GPUs × hours)',
        inputs: [capacityInput(t, energyProv)],
      }),
      share: { of: 'capacity', value: ratio(t.gpuHoursAllocated, t.gpuHoursCapacity) },
    },
    gpuHoursUsed: {
      ...figure('GPU-hours used', t.gpuHoursUsed, 'GPU-h', energyProv, {
        formula:
          'Σ over the hours of the GPU shares jobs asked for (a job on half a GPU counts ½); share = ÷ capacity',
        inputs: [
          {
            name: 'GPU-hours allocated',
            value: t.gpuHoursAllocated,
            unit: 'GPU-h',
            provenance: energyProv,
            note: 'whole GPUs held: the gap to "used" is GPUs held but only partly asked for',
          },
          capacityInput(t, energyProv),
        ],
      }),
      share: { of: 'capacity', value: ratio(t.gpuHoursUsed, t.gpuHoursCapacity) },
    },
    idleCost: {
      ...figure('Idle cost', t.idleCost, cur, costProv, {
        formula:
          'Σ over the hours of what capacity no job held costs: hardware and operations of unallocated GPUs, and idle energy; share = ÷ total cost',
        inputs: [
          {
            name: 'Total cost',
            value: t.total,
            unit: cur,
            provenance: costProv,
            note: 'Σ usage hours',
          },
        ],
      }),
      share: { of: 'total cost', value: ratio(t.idleCost, t.total) },
    },
  };

  const reconciliation: OverviewReconciliation = {
    from: iso(lines.from),
    to: iso(lines.to),
    parts: {
      billedJobs: recon.billedJobs,
      runningJobs: recon.runningJobs,
      idle: recon.idle,
      shared: recon.shared,
    },
    sum: recon.billedJobs + recon.runningJobs + recon.idle + recon.shared,
    facilityTotal: recon.facilityTotal,
    difference:
      recon.facilityTotal - (recon.billedJobs + recon.runningJobs + recon.idle + recon.shared),
    jobsCostRecorded: recon.jobsCost,
    lines: recon.lines,
    hours: recon.hours,
  };

  const forecast = forecastOf(daily, history, false, q.granularity, toMs);
  return {
    ...base,
    scope: 'facility',
    teamId: null,
    bucket: q.granularity,
    series: buckets.map((b) => ({
      start: b.start.toISOString(),
      hardware: b.hardware,
      energy: b.energy,
      operations: b.operations,
      storage: b.storage,
      bandwidth: b.bandwidth,
      total: b.total,
      jobsCost: b.jobsCost,
      idleCost: b.idleCost,
      sharedCost: b.sharedCost,
      itKWh: b.itKWh,
      facilityKWh: b.facilityKWh,
      co2eKg: b.co2eKg,
      hours: b.hours,
      gpus: ratio(b.gpuHoursCapacity, b.hours),
      gpusAllocated: ratio(b.gpuHoursAllocated, b.hours),
      gpusUsed: ratio(b.gpuHoursUsed, b.hours) ?? 0,
    })),
    ...forecast,
    figures,
    reconciliation,
    hasData: buckets.length > 0,
    dataExtent: buckets.length ? null : await extent(db, { siteId: q.siteId }),
    notes,
  };
}

async function teamSummary(
  db: Db,
  q: OverviewQuery & { teamId: string },
  base: Base,
): Promise<OverviewSummary> {
  const fromMs = q.from.getTime();
  const toMs = q.to.getTime();
  const linesFrom = floorDay(fromMs);
  const history = forecastHistoryRange(toMs);
  const [buckets, daily, sources] = await Promise.all([
    teamBuckets(db, { from: new Date(linesFrom), to: q.to, siteId: q.siteId, teamId: q.teamId }),
    dailyTotals(db, {
      from: new Date(history.from),
      to: new Date(history.to),
      siteId: q.siteId,
      teamId: q.teamId,
    }),
    usageSources(db, { from: new Date(linesFrom), to: q.to, siteId: q.siteId }),
  ]);
  const cur = base.currency ?? '';
  const notes = [
    'Facility figures (idle and shared cost, capacity, the reconciliation) are for admins.',
  ];
  if (q.granularity === 'hour')
    notes.push('Your team’s costs are kept per UTC day, so the chart shows days.');
  // A team's lines carry no source of their own; the facility's hours over the same days say
  // whether they were metered or replayed from history.
  const simulated = sources.some((s) => s !== 'metered');
  const costProv: Provenance = simulated ? 'simulated' : 'modelled';
  const energyProv: Provenance = simulated ? 'simulated' : 'measured';

  const t = teamTotalsOf(buckets);
  const hours = (toMs - linesFrom) / HOUR_MS;
  const period = `your team’s cost lines (one per job and UTC day) for the days from ${day(linesFrom)} up to ${iso(toMs)}`;
  const linesInput = (name: string, value: number, unit: string, provenance: Provenance) => ({
    name,
    value,
    unit,
    provenance,
    note: 'Σ ' + period,
  });

  const figures: OverviewSummary['figures'] = {
    totalCost: figure('Total cost', t.total, cur, costProv, {
      formula: `Σ of ${period}: hardware + energy + operations + storage + bandwidth`,
      inputs: [
        ...COST_PART_NAMES.map((p) => ({
          name: cap(p),
          value: t[p],
          unit: cur,
          provenance: costProv,
          note: PART_NOTES[p],
        })),
        {
          name: 'Of which running jobs (cost to date)',
          value: t.unbilled,
          unit: cur,
          provenance: costProv,
          note: 'jobs still running when their cost was recorded: no bill yet',
        },
      ],
      note: null,
    }),
    costPerHour: figure('Cost per hour', ratio(t.total, hours), `${cur}/h`, costProv, {
      formula: 'total cost ÷ hours from the first day’s 00:00 UTC to the end of the window',
      inputs: [
        linesInput('Total cost', t.total, cur, costProv),
        { name: 'Hours', value: hours, unit: 'h', provenance: 'measured', note: 'the clock' },
      ],
    }),
    itKWh: figure('IT energy', t.itKWh, 'kWh', energyProv, {
      formula: `Σ of the IT energy on ${period}`,
      inputs: [],
    }),
    facilityKWh: figure('Facility energy', t.facilityKWh, 'kWh', energyProv, {
      formula: 'Σ of each line’s IT kWh × the PUE of the hours it ran',
      inputs: [linesInput('IT energy', t.itKWh, 'kWh', energyProv)],
    }),
    pue: figure('PUE', ratio(t.facilityKWh, t.itKWh), '', energyProv, {
      formula: 'facility kWh ÷ IT kWh of your team’s lines',
      inputs: [
        linesInput('Facility energy', t.facilityKWh, 'kWh', energyProv),
        linesInput('IT energy', t.itKWh, 'kWh', energyProv),
      ],
    }),
    co2e: figure('Emissions', t.co2eKg / 1000, 'tCO2e', costProv, {
      formula: 'Σ of each line’s facility kWh × the grid intensity of its hours ÷ 1000',
      inputs: [linesInput('Facility energy', t.facilityKWh, 'kWh', energyProv)],
    }),
    gpuHoursAllocated: null,
    gpuHoursUsed: figure('GPU-hours used', t.gpuHours, 'GPU-h', energyProv, {
      formula: `Σ of the GPU-hours on ${period} (GPUs or GPU shares asked for × hours run)`,
      inputs: [],
    }),
    idleCost: null,
  };

  const forecast = forecastOf(daily, history, true, 'day', toMs);
  return {
    ...base,
    scope: 'team',
    teamId: q.teamId,
    bucket: 'day',
    series: buckets.map((b) => ({
      start: b.start.toISOString(),
      hardware: b.hardware,
      energy: b.energy,
      operations: b.operations,
      storage: b.storage,
      bandwidth: b.bandwidth,
      total: b.total,
      jobsCost: null,
      idleCost: null,
      sharedCost: null,
      itKWh: b.itKWh,
      facilityKWh: b.facilityKWh,
      co2eKg: b.co2eKg,
      hours: null,
      gpus: null,
      gpusAllocated: null,
      gpusUsed: b.gpuHours / 24,
    })),
    ...forecast,
    figures,
    reconciliation: null,
    hasData: buckets.length > 0,
    dataExtent: buckets.length ? null : await extent(db, { siteId: q.siteId, teamId: q.teamId }),
    notes,
  };
}

const PART_NOTES: Record<(typeof COST_PART_NAMES)[number], string> = {
  hardware: 'GPUs and hosts amortised over their life at the cost of capital, hour by hour',
  energy: 'facility kWh × the hour’s price per kWh',
  operations: 'staff and maintenance per GPU- and core-hour, and the site’s shared operations',
  storage: 'storage at the site’s rates, and its shared storage',
  bandwidth: 'network at the site’s rates, and its shared uplinks',
};

function figure(
  label: string,
  value: number | null,
  unit: string,
  provenance: Provenance,
  rest: { formula: string; inputs: FigureInput[]; note?: string | null },
): Figure {
  return { label, value, unit, share: null, provenance, note: null, ...rest };
}

function cap(s: string): string {
  return s[0]!.toUpperCase() + s.slice(1);
}

function totalsOf(buckets: readonly FacilityBucket[]) {
  const keys = [
    ...COST_PART_NAMES,
    'total',
    'jobsCost',
    'idleCost',
    'sharedCost',
    'itKWh',
    'facilityKWh',
    'co2eKg',
    'gpuHoursAllocated',
    'gpuHoursUsed',
    'gpuHoursCapacity',
    'hours',
    'meteredHours',
    'simulatedHours',
  ] as const;
  return Object.fromEntries(keys.map((k) => [k, sum(buckets, (b) => b[k])])) as Record<
    (typeof keys)[number],
    number
  >;
}

function teamTotalsOf(buckets: readonly TeamBucket[]) {
  const keys = [
    ...COST_PART_NAMES,
    'total',
    'unbilled',
    'gpuHours',
    'itKWh',
    'facilityKWh',
    'co2eKg',
  ] as const;
  return Object.fromEntries(keys.map((k) => [k, sum(buckets, (b) => b[k])])) as Record<
    (typeof keys)[number],
    number
  >;
}

function sourceInput(t: { meteredHours: number; simulatedHours: number }): FigureInput {
  const simulated = t.simulatedHours > 0;
  return {
    name: 'Site-hours recorded',
    value: t.meteredHours + t.simulatedHours,
    unit: 'h',
    provenance: simulated ? 'simulated' : 'measured',
    note: simulated
      ? `${t.simulatedHours} replayed from a cluster trace by the simulator (history), ${t.meteredHours} metered by workers`
      : 'metered by workers (GPU energy counters, RAPL or a CPU model)',
  };
}

function capacityInput(t: { gpuHoursCapacity: number }, provenance: Provenance): FigureInput {
  return {
    name: 'Capacity',
    value: t.gpuHoursCapacity,
    unit: 'GPU-h',
    provenance,
    note: 'Σ over the hours of the GPUs the facility had',
  };
}

async function extent(db: Db, scope: { siteId?: string; teamId?: string }) {
  const found = await dataExtent(db, scope);
  return found ? { first: found.first.toISOString(), last: found.last.toISOString() } : null;
}

/** Complete UTC days before `to`: the forecast's history ends where the first unfinished day starts. */
function forecastHistoryRange(toMs: number) {
  const to = floorDay(toMs);
  return { from: to - FORECAST_HISTORY_DAYS * DAY_MS, to };
}

/**
 * The seasonal-naive forecast of the week after the history, banded from its own past errors.
 * Days with no record are gaps for the facility (nothing was recorded) but zero for a team (it ran
 * nothing); the history starts at the first day with a record.
 */
function forecastOf(
  daily: readonly { day: Date; total: number }[],
  range: { from: number; to: number },
  missingIsZero: boolean,
  bucket: 'hour' | 'day',
  toMs: number,
): Pick<OverviewSummary, 'forecast' | 'forecastUnavailable'> {
  if (!daily.length)
    return {
      forecast: null,
      forecastUnavailable: 'no complete day of costs before the end of the window',
    };
  const start = Math.max(range.from, daily[0]!.day.getTime());
  const byDay = new Map(daily.map((d) => [d.day.getTime(), d.total]));
  const history: number[] = [];
  for (let d = start; d < range.to; d += DAY_MS)
    history.push(byDay.get(d) ?? (missingIsZero ? 0 : NaN));
  const n = history.length;
  // A weekly pattern needs two weeks to be seen once and checked once; below that, repeat yesterday.
  const seasonDays = n >= 14 ? 7 : n >= 2 ? 1 : null;
  if (seasonDays === null)
    return {
      forecast: null,
      forecastUnavailable: 'it needs at least two complete days of costs',
    };
  const band = seasonalNaiveBand(history, {
    seasonLength: seasonDays,
    horizon: FORECAST_DAYS,
    coverage: FORECAST_COVERAGE,
    floor: 0,
  });
  const days = band.map((b, k) => ({
    start: iso(range.to + k * DAY_MS),
    expected: b.expected,
    low: b.low,
    high: b.high,
  }));
  const points =
    bucket === 'day'
      ? days
      : days.flatMap((d) =>
          Array.from({ length: 24 }, (_, h) => ({
            start: iso(Date.parse(d.start) + h * HOUR_MS),
            expected: d.expected === null ? null : d.expected / 24,
            low: d.low === null ? null : d.low / 24,
            high: d.high === null ? null : d.high / 24,
          })).filter((p) => Date.parse(p.start) >= toMs),
        );
  const errorCount = band[0]!.errorCount;
  const repeat =
    seasonDays === 7
      ? 'each day repeats the same weekday of the last complete week'
      : 'each day repeats the last complete day (fewer than 14 days of history: no weekly pattern yet)';
  const forecast: OverviewForecast = {
    method:
      `Seasonal naive on daily totals: ${repeat}, from ${n} days of history. ` +
      `Band: ± the ${FORECAST_COVERAGE * 100}th percentile of the absolute errors the same forecast made on that history (${errorCount} days)` +
      (bucket === 'hour'
        ? '; in the hourly view each day’s forecast is spread evenly over its hours.'
        : '.'),
    seasonDays,
    historyDays: n,
    coverage: FORECAST_COVERAGE,
    errorCount,
    days,
    points,
  };
  return { forecast, forecastUnavailable: null };
}
