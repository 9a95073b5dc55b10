// What the facility (or a member's team) could change, from what it did in a period: cost-model's
// `recommend` fed with idle GPU capacity per node, the team's short jobs and the hours they start,
// jobs' measured GPU use against their request, and the site's price and carbon by hour of day.
import {
  carbonAt,
  GRID_ZONES,
  priceAt,
  pueAt,
  recommend,
  type Confidence,
  type Recommendation,
  type RecommendInput,
  type Site as CostSite,
} from '@wattwise/cost-model';
import {
  finishedJobRuns,
  getSite,
  hardwarePerGpuHour,
  listSites,
  nodeHeldGpuHours,
  QueueError,
  type Db,
  type JobRun,
  type NodeHeld,
  type Principal,
  type Site,
} from '@wattwise/db';
import { gpuModel, type GpuModel } from '@wattwise/scheduler';

import { sitePricing, type SiteRatesLoader } from './billing';
import { DAY_MS } from './burn-down';

const HOUR_MS = 3_600_000;
/** Hours in an average month (8,760 / 12): savings are per month at the period's pace. */
const HOURS_PER_MONTH = 730;
/** Jobs up to this long are taken as movable to other hours of the same day. */
export const SHIFT_MAX_HOURS = 12;
/** How long such a job is assumed able to wait; the scheduler lab tries the same deferral. */
export const SHIFT_SLACK_HOURS = 8;
/** Fewer utilisation samples than this say too little about a job's p95. */
const RIGHT_SIZE_MIN_SAMPLES = 10;
/** Jobs read for the shift and right-size evidence (the most recent first). */
const RUN_LIMIT = 20_000;
/** Recommendations returned, best first in the chosen order. */
export const MAX_ITEMS = 100;

export type EvidenceLabel = 'measured' | 'modelled' | 'rated';
export type Evidence = { name: string; value: string; label: EvidenceLabel };

/** Scheduler-lab settings that test a recommendation (the lab's URL parameters). */
export type LabParams = {
  policies: string[];
  site?: string;
  deferHours?: number;
  powerDown?: boolean;
  team?: string;
};

export type RecommendationKind = Recommendation['kind'] | 'shift-to-cleaner-hours';

export type RecommendationItem = {
  id: string;
  kind: RecommendationKind;
  target: string;
  teamId: string | null;
  /** Money saved a month at the period's pace; null when this change is about carbon only. */
  monthlySaving: number | null;
  currency: string;
  /** kgCO2e avoided a month; null when this change was weighed in money only. */
  co2eKgPerMonth: number | null;
  confidence: Confidence;
  why: string;
  evidence: Evidence[];
  lab: LabParams | null;
};

export type RecommendationsSort = 'money' | 'co2e';

export type RecommendationsResult = {
  /** The period asked for. */
  from: string;
  to: string;
  /** Cost lines are per UTC day: the evidence covers [evidenceFrom, to), `hours` long. */
  evidenceFrom: string;
  hours: number;
  scope: 'facility' | 'team';
  site: { id: string; name: string; gridZone: string | null; timezone: string } | null;
  currency: string;
  pue: number;
  sort: RecommendationsSort;
  profile: { priceByHour: number[]; carbonByHour: number[]; hoursPriced: number };
  hardwarePerGpuHour: { value: number; basis: 'usage-hours' | 'cost-lines' } | null;
  /** How many recommendations there are; `items` holds the first `MAX_ITEMS`. */
  total: number;
  items: RecommendationItem[];
  notes: string[];
};

const RANK: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };
const fmt = (x: number, digits = 2) => x.toFixed(digits);

/** The local hour of day (0–23) of an instant in an IANA time zone (UTC when the zone is unknown). */
export function localHourOf(timezone: string): (tMs: number) => number {
  const options = { hour: 'numeric', hourCycle: 'h23' } as const;
  let f: Intl.DateTimeFormat;
  try {
    f = new Intl.DateTimeFormat('en-GB', { ...options, timeZone: timezone });
  } catch {
    f = new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' });
  }
  return (tMs) => Number(f.format(tMs)) % 24;
}

/** Mean price and carbon for each local hour of the day over the hours of [fromMs, toMs) the site's series cover. */
export function hourOfDayProfile(
  site: CostSite,
  localHour: (tMs: number) => number,
  fromMs: number,
  toMs: number,
) {
  const price = new Array<number>(24).fill(0);
  const carbon = new Array<number>(24).fill(0);
  const count = new Array<number>(24).fill(0);
  let priced = 0;
  for (let t = Math.ceil(fromMs / HOUR_MS) * HOUR_MS; t < toMs; t += HOUR_MS) {
    let p: number, c: number;
    try {
      p = priceAt(site.tariff, t);
      c = carbonAt(site.carbon, t);
    } catch {
      continue; // an hour the series does not cover, or a gap: left out of the mean
    }
    const h = localHour(t);
    price[h]! += p;
    carbon[h]! += c;
    count[h]! += 1;
    priced += 1;
  }
  if (priced === 0) return null;
  const meanP = price.reduce((a, b) => a + b, 0) / priced;
  const meanC = carbon.reduce((a, b) => a + b, 0) / priced;
  return {
    priceByHour: price.map((s, h) => (count[h] ? s / count[h]! : meanP)),
    carbonByHour: carbon.map((s, h) => (count[h] ? s / count[h]! : meanC)),
    hoursPriced: priced,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A team's movable jobs as one representative job: the hour most of them start, their median length. */
function teamShiftPattern(runs: JobRun[], localHour: (tMs: number) => number) {
  const byTeam = new Map<string, JobRun[]>();
  for (const r of runs) {
    const hours = (r.finishedAt.getTime() - r.startedAt.getTime()) / HOUR_MS;
    if (hours <= 0 || hours > SHIFT_MAX_HOURS || r.itKWh <= 0) continue;
    byTeam.set(r.teamId, [...(byTeam.get(r.teamId) ?? []), r]);
  }
  return [...byTeam.values()].map((own) => {
    const starts = new Array<number>(24).fill(0);
    for (const r of own) starts[localHour(r.startedAt.getTime())]! += 1;
    const startHour = starts.indexOf(Math.max(...starts));
    return {
      teamId: own[0]!.teamId,
      team: own[0]!.team,
      jobs: own.length,
      startHour,
      startingThen: starts[startHour]!,
      hours: median(own.map((r) => (r.finishedAt.getTime() - r.startedAt.getTime()) / HOUR_MS)),
      itKWhPerRun: own.reduce((s, r) => s + r.itKWh, 0) / own.length,
    };
  });
}

export async function facilityRecommendations(
  deps: { db: Db; siteRates?: SiteRatesLoader },
  principal: Principal,
  opts: { fromMs: number; toMs: number; siteId?: string; sort: RecommendationsSort },
): Promise<RecommendationsResult> {
  const { db } = deps;
  const admin = principal.role === 'admin';
  const teamId = admin ? undefined : principal.teamId!;
  let site: Site | null;
  if (opts.siteId) {
    site = await getSite(db, opts.siteId);
    if (!site) throw new QueueError('BAD_REQUEST', `siteId: no site has id "${opts.siteId}"`);
  } else site = (await listSites(db))[0] ?? null;
  const costSite = sitePricing(site, deps.siteRates ?? (() => null), Date.now()).site;
  const timezone = site?.timezone ?? 'UTC';
  const localHour = localHourOf(timezone);
  const currency = costSite.currency;
  const pue = pueAt(costSite.pue, opts.fromMs);
  const profile = hourOfDayProfile(costSite, localHour, opts.fromMs, opts.toMs);
  if (!profile)
    throw new QueueError(
      'BAD_REQUEST',
      `from: the site's hourly prices do not cover ${new Date(opts.fromMs).toISOString()} to ${new Date(opts.toMs).toISOString()}`,
    );

  // Cost lines are per UTC day: the evidence covers whole days from the period's first.
  const from = new Date(Math.floor(opts.fromMs / DAY_MS) * DAY_MS);
  const to = new Date(opts.toMs);
  const hours = (to.getTime() - from.getTime()) / HOUR_MS;
  const perMonth = HOURS_PER_MONTH / hours;
  const siteId = opts.siteId;
  const [nodes, runs, hardware] = await Promise.all([
    admin ? nodeHeldGpuHours(db, { from, to, siteId }) : [],
    finishedJobRuns(db, { from, to, teamId, siteId, limit: RUN_LIMIT }),
    hardwarePerGpuHour(db, { from, to, siteId, teamId }),
  ]);
  const notes: string[] = [];
  if (!admin)
    notes.push("Your team's jobs only: idle capacity on the facility's nodes is shown to admins.");

  const evidence = new Map<string, Evidence[]>();
  const teams = new Map<string, string | null>();
  const key = (kind: string, target: string) => `${kind}:${target}`;
  const pueEvidence: Evidence = { name: 'PUE', value: fmt(pue, 2), label: 'rated' };

  // Idle capacity per GPU model: one change for a whole fleet rather than one line per node. A model
  // the catalogue lacks draws what the scheduler (and so the history) assumes for it.
  const idleNodes: NonNullable<RecommendInput['idleNodes']>[number][] = [];
  const fleets = new Map<string, { nodes: NodeHeld[]; model: GpuModel }>();
  for (const n of nodes) {
    if (!n.gpuModel) continue; // GPUs of no recorded model: no draw to go on
    const fleet = fleets.get(n.gpuModel) ?? { nodes: [], model: gpuModel(n.gpuModel) };
    fleet.nodes.push(n);
    fleets.set(n.gpuModel, fleet);
  }
  const assumed = [...fleets.values()].filter((f) => !f.model.acceleratorId);
  if (assumed.length > 0)
    notes.push(
      `Idle draw assumed for GPU models the catalogue does not list: ${assumed.map((f) => f.model.basis).join('; ')}.`,
    );
  for (const [model, fleet] of fleets) {
    const target = `${model} nodes`;
    const gpus = fleet.nodes.reduce((s, n) => s + n.gpus, 0);
    const held = fleet.nodes.reduce((s, n) => s + n.heldGpuHours, 0);
    const capacity = gpus * hours;
    const idle = Math.max(0, capacity - held);
    if (idle <= 0) continue;
    idleNodes.push({
      node: target,
      gpus,
      idleGpuHoursPerMonth: idle * perMonth,
      idleWPerGpu: fleet.model.idleW,
      measured: false,
    });
    const idlest = fleet.nodes
      .map((n) => ({ node: n.node, idle: n.gpus * hours - n.heldGpuHours }))
      .sort((a, b) => b.idle - a.idle)
      .slice(0, 5);
    evidence.set(key('power-down-idle', target), [
      {
        name: 'Nodes and GPUs',
        value: `${fleet.nodes.length} node${fleet.nodes.length === 1 ? '' : 's'}, ${gpus} × ${model}`,
        label: 'rated',
      },
      {
        name: 'GPU-hours available',
        value: `${fmt(capacity, 1)} (${gpus} × ${fmt(hours, 1)} h)`,
        label: 'rated',
      },
      { name: 'GPU-hours held by jobs (cost lines)', value: fmt(held, 1), label: 'measured' },
      {
        name: 'Idle GPU-hours a month',
        value: `${fmt(idle * perMonth, 1)} (${fmt(idle, 1)} × 730 / ${fmt(hours, 1)} h)`,
        label: 'modelled',
      },
      {
        name: 'Idlest nodes (idle GPU-hours in the period)',
        value: idlest.map((n) => `${n.node} ${fmt(n.idle, 0)}`).join(', '),
        label: 'measured',
      },
      {
        name: 'Idle draw per GPU',
        value: `${fleet.model.idleW} W (${fleet.model.basis})`,
        label: 'modelled',
      },
      pueEvidence,
    ]);
    teams.set(key('power-down-idle', target), null);
  }

  const deferrableJobs: NonNullable<RecommendInput['deferrableJobs']>[number][] = [];
  for (const p of teamShiftPattern(runs, localHour)) {
    const target = `team ${p.team}`;
    const runsPerMonth = p.jobs * perMonth;
    deferrableJobs.push({
      job: target,
      startHour: p.startHour,
      hours: p.hours,
      itKWhPerRun: p.itKWhPerRun,
      runsPerMonth,
      slackHours: SHIFT_SLACK_HOURS,
    });
    const ev: Evidence[] = [
      {
        name: `Jobs up to ${SHIFT_MAX_HOURS} h in the period`,
        value: String(p.jobs),
        label: 'measured',
      },
      {
        name: 'Most common start (site time)',
        value: `${p.startHour}:00 (${p.startingThen} of ${p.jobs} jobs)`,
        label: 'measured',
      },
      { name: 'Median run', value: `${fmt(p.hours, 2)} h`, label: 'measured' },
      {
        name: 'IT energy per job (cost lines)',
        value: `${fmt(p.itKWhPerRun, 3)} kWh`,
        label: 'measured',
      },
      { name: 'Jobs a month at this pace', value: fmt(runsPerMonth, 1), label: 'modelled' },
      {
        name: 'Slack each job may wait',
        value: `${SHIFT_SLACK_HOURS} h (assumed)`,
        label: 'modelled',
      },
      pueEvidence,
    ];
    for (const kind of ['shift-to-cheaper-hours', 'shift-to-cleaner-hours']) {
      evidence.set(key(kind, target), ev);
      teams.set(key(kind, target), p.teamId);
    }
  }

  const requests: NonNullable<RecommendInput['requests']>[number][] = [];
  for (const r of runs) {
    if (r.gpus < 1 || r.samples < RIGHT_SIZE_MIN_SAMPLES || r.gpusBusyP95 === null) continue;
    const target = `job ${r.name} (${r.jobId})`;
    requests.push({
      job: target,
      gpusRequested: r.gpus,
      gpusUsedP95: r.gpusBusyP95,
      gpuHoursPerMonth: r.gpuHours * perMonth,
    });
    evidence.set(key('right-size-request', target), [
      { name: 'GPUs requested', value: String(r.gpus), label: 'measured' },
      {
        name: 'GPUs busy, p95 of Σ utilisation',
        value: `${fmt(r.gpusBusyP95, 2)} over ${r.samples} samples`,
        label: 'measured',
      },
      { name: 'GPU-hours held (cost lines)', value: fmt(r.gpuHours, 2), label: 'measured' },
      {
        name: 'Hardware per GPU-hour',
        value: hardware ? `${fmt(hardware.value, 4)} ${currency} (${hardware.basis})` : 'unknown',
        label: 'modelled',
      },
    ]);
    teams.set(key('right-size-request', target), r.teamId);
  }

  const base = { pue, idleNodes, deferrableJobs, requests };
  const byMoney = recommend({
    ...base,
    currency,
    priceByHour: profile.priceByHour,
    hardwarePerGpuHour: hardware?.value ?? 0,
  });
  // The same model priced in kgCO2e instead of money ("XXX": ISO 4217's code for no currency):
  // energy saved at each hour's intensity; freeing GPU-hours saves no energy, so no carbon.
  const byCarbon = recommend({
    ...base,
    currency: 'XXX',
    priceByHour: profile.carbonByHour,
    hardwarePerGpuHour: 0,
  });

  const zone = GRID_ZONES.find((z) => z.id === site?.gridZone)?.id;
  const labFor = (kind: RecommendationKind, team: string | null): LabParams | null => {
    const common = { policies: ['backfill', 'cost-aware'], ...(zone ? { site: zone } : {}) };
    if (kind === 'power-down-idle') return { ...common, powerDown: true };
    if (kind === 'shift-to-cheaper-hours' || kind === 'shift-to-cleaner-hours')
      return { ...common, deferHours: SHIFT_SLACK_HOURS, ...(team ? { team } : {}) };
    return null;
  };
  const item = (
    kind: RecommendationKind,
    r: Recommendation,
    money: number | null,
    co2e: number | null,
    why: string,
  ): RecommendationItem => {
    const k = key(kind, r.target);
    const team = teams.get(k) ?? null;
    return {
      id: k,
      kind,
      target: r.target,
      teamId: team,
      monthlySaving: money,
      currency,
      co2eKgPerMonth: co2e,
      confidence: r.confidence,
      why,
      evidence: [
        ...(evidence.get(k) ?? []),
        {
          name: 'Mean grid price / intensity',
          value: `${fmt(mean(profile.priceByHour), 4)} ${currency}/kWh, ${fmt(mean(profile.carbonByHour), 3)} kg/kWh`,
          label: 'measured',
        },
      ],
      lab: labFor(kind, team),
    };
  };

  const items: RecommendationItem[] = [];
  for (const r of byMoney) {
    if (r.kind === 'shift-to-cheaper-hours') {
      items.push(item(r.kind, r, r.monthlySaving, null, r.why));
      continue;
    }
    const c = byCarbon.find((x) => x.kind === r.kind && x.target === r.target);
    items.push(item(r.kind, r, r.monthlySaving, c?.monthlySaving ?? null, r.why));
  }
  for (const c of byCarbon) {
    if (c.kind !== 'shift-to-cheaper-hours') continue;
    items.push(
      item(
        'shift-to-cleaner-hours',
        c,
        null,
        c.monthlySaving,
        `moving its jobs within their ${SHIFT_SLACK_HOURS} h slack to the cleanest hours on the hourly carbon profile avoids ${fmt(c.monthlySaving, 1)} kgCO2e a month; intensities are a forecast`,
      ),
    );
  }
  const useful = items.filter((i) => (i.monthlySaving ?? 0) > 0 || (i.co2eKgPerMonth ?? 0) > 0);
  useful.sort(opts.sort === 'co2e' ? byCo2e : byMoneySaved);

  return {
    from: new Date(opts.fromMs).toISOString(),
    to: to.toISOString(),
    evidenceFrom: from.toISOString(),
    hours,
    scope: admin ? 'facility' : 'team',
    site: site
      ? { id: site.id, name: site.name, gridZone: site.gridZone, timezone: site.timezone }
      : null,
    currency,
    pue,
    sort: opts.sort,
    profile,
    hardwarePerGpuHour: hardware,
    total: useful.length,
    items: useful.slice(0, MAX_ITEMS),
    notes,
  };
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Most money first (changes weighed in carbon only last), ties: the surer first. */
function byMoneySaved(a: RecommendationItem, b: RecommendationItem): number {
  return (
    (b.monthlySaving ?? -Infinity) - (a.monthlySaving ?? -Infinity) ||
    RANK[b.confidence] - RANK[a.confidence] ||
    (b.co2eKgPerMonth ?? 0) - (a.co2eKgPerMonth ?? 0)
  );
}

/** Most carbon avoided first (changes weighed in money only last), ties: the most money. */
function byCo2e(a: RecommendationItem, b: RecommendationItem): number {
  return (
    (b.co2eKgPerMonth ?? -Infinity) - (a.co2eKgPerMonth ?? -Infinity) ||
    (b.monthlySaving ?? 0) - (a.monthlySaving ?? 0) ||
    RANK[b.confidence] - RANK[a.confidence]
  );
}
