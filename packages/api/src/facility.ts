// The energy and GPU pages: the site's hourly price and carbon (as bills price them), the facility's
// PUE and power, and what each node and live GPU is doing. Figures for the whole facility are an
// admin's; a member gets their own team's share or nothing.
import {
  ESTIMATE_DEFAULTS,
  MS_PER_HOUR,
  hourOfWeekHeatmap,
  priceAt,
  seasonalNaiveForecast,
  seriesStats,
  sliceSeries,
  type HourOfWeekHeatmap,
  type HourlySeries,
  type Site as CostSite,
} from '@wattwise/cost-model';
import {
  QueueError,
  RECENT_SAMPLES_MS,
  defaultFacilitySite,
  getSite,
  listFacilitySites,
  listSiteNodes,
  liveWorkerActivity,
  nodeCostTotals,
  usageBuckets,
  type Db,
  type FacilitySite,
  type Principal,
  type Site,
} from '@wattwise/db';

import { fallbackSite, type SiteRatesLoader } from './billing';

const DAY_MS = 24 * MS_PER_HOUR;
/** Windows longer than this are sent as daily means, so a year stays a few hundred points. */
export const HOURLY_UP_TO_HOURS = 31 * 24;
/** A held GPU whose recent samples average below this utilisation (%) is held but idle. */
export const IDLE_UTIL_PCT = 5;

/**
 * The bundled grid files hold 2023 (see cost-model's data/README.md); the loader lays them over the
 * current weeks in 52-week steps, so only the first 52 weeks of 2023 are the recorded hours
 * themselves. Every other past hour is an estimate.
 */
const RECORDED = { fromMs: Date.UTC(2023, 0, 1), toMs: Date.UTC(2023, 0, 1) + 52 * 7 * DAY_MS };
const GRID_NOTES = {
  price:
    'wholesale day-ahead / real-time prices for 2023 bundled with @wattwise/cost-model (green-dcc electricity_prices, last commit 2025-04-02), no network charges',
  carbon:
    'Electricity Maps hourly direct intensity for 2023 bundled with @wattwise/cost-model (through green-dcc, snapshot 2025-06-04)',
};

export type FacilityCtx = {
  db: Db;
  principal: Principal;
  siteRates?: SiteRatesLoader;
  leaseSeconds: number;
};
export type Period = { siteId?: string; from: Date; to: Date };

/**
 * How a value was known: `measured` the recorded hour itself; `estimated` the recorded year laid over
 * this hour, or a published average; `forecast` seasonal naive for an hour that has not ended;
 * `tariff` a flat or time-of-use price set in advance.
 */
export type ValueStatus = 'measured' | 'estimated' | 'forecast' | 'tariff';
const STATUS_RANK: Record<ValueStatus, number> = {
  measured: 0,
  tariff: 1,
  estimated: 2,
  forecast: 3,
};

async function resolveSite(
  db: Db,
  siteId: string | undefined,
): Promise<{ sites: FacilitySite[]; site: FacilitySite | null; row: Site | null }> {
  const sites = await listFacilitySites(db);
  const site = siteId ? sites.find((s) => s.id === siteId) : defaultFacilitySite(sites);
  if (siteId && !site) throw new QueueError('BAD_REQUEST', `siteId: no site "${siteId}"`);
  return { sites, site: site ?? null, row: site ? await getSite(db, site.id) : null };
}

type HourlyValues = { values: Float64Array; status: ValueStatus[] };

/**
 * One hourly series over the window: past hours as the series holds them, hours from the next full
 * hour on by seasonal-naive forecast from the hours that have ended (what the scheduler expects).
 */
function seriesHours(
  series: HourlySeries,
  startMs: number,
  hours: number,
  nowMs: number,
): HourlyValues {
  const values = sliceSeries(series, startMs, hours).values;
  const firstForecastMs = Math.ceil(nowMs / MS_PER_HOUR) * MS_PER_HOUR;
  const status: ValueStatus[] = [];
  for (let h = 0; h < hours; h++) {
    const t = startMs + h * MS_PER_HOUR;
    status.push(
      t >= firstForecastMs
        ? 'forecast'
        : t + MS_PER_HOUR <= nowMs && t >= RECORDED.fromMs && t < RECORDED.toMs
          ? 'measured'
          : 'estimated',
    );
  }
  const endMs = startMs + hours * MS_PER_HOUR;
  if (endMs > firstForecastMs) {
    const from = Math.max(startMs, firstForecastMs);
    try {
      const forecast = seasonalNaiveForecast(series, {
        nowMs,
        horizonHours: (endMs - firstForecastMs) / MS_PER_HOUR,
      });
      for (let t = from; t < endMs; t += MS_PER_HOUR)
        values[(t - startMs) / MS_PER_HOUR] =
          forecast.values[(t - forecast.startMs) / MS_PER_HOUR]!;
    } catch {
      // A series that starts after now has no past to forecast from: those hours stay gaps.
      for (let t = from; t < endMs; t += MS_PER_HOUR) values[(t - startMs) / MS_PER_HOUR] = NaN;
    }
  }
  return { values, status };
}

function gridHours(site: CostSite, startMs: number, hours: number, nowMs: number) {
  const price: HourlyValues =
    site.tariff.kind === 'hourly'
      ? seriesHours(site.tariff.series, startMs, hours, nowMs)
      : {
          values: Float64Array.from({ length: hours }, (_, h) =>
            priceAt(site.tariff, startMs + h * MS_PER_HOUR),
          ),
          status: new Array<ValueStatus>(hours).fill('tariff'),
        };
  const carbon: HourlyValues =
    site.carbon.kind === 'hourly'
      ? seriesHours(site.carbon.series, startMs, hours, nowMs)
      : {
          values: new Float64Array(hours).fill(site.carbon.kgPerKWh),
          status: new Array<ValueStatus>(hours).fill('estimated'),
        };
  return { price, carbon };
}

const num = (x: number) => (Number.isFinite(x) ? x : null);

export type GridPoint = {
  /** Start of the hour or UTC day. */
  t: string;
  hours: number;
  price: number | null;
  priceMin: number | null;
  priceMax: number | null;
  /** kgCO2e per kWh. */
  carbon: number | null;
  carbonMin: number | null;
  carbonMax: number | null;
  /** The least firm status of the hours in the point. */
  priceStatus: ValueStatus;
  carbonStatus: ValueStatus;
};

/** Hourly values → points of `bucketMs` (an hour or a UTC day): mean, min and max of the hours with a value. */
function toPoints(
  startMs: number,
  grid: { price: HourlyValues; carbon: HourlyValues },
  bucketMs: number,
): GridPoint[] {
  const points: GridPoint[] = [];
  const n = grid.price.values.length;
  let h = 0;
  while (h < n) {
    const t = startMs + h * MS_PER_HOUR;
    const bucketStart = Math.floor(t / bucketMs) * bucketMs;
    const end = Math.min(n, h + (bucketStart + bucketMs - t) / MS_PER_HOUR);
    const stats = (s: HourlyValues) => {
      let sum = 0;
      let count = 0;
      let min = Infinity;
      let max = -Infinity;
      let status: ValueStatus = 'measured';
      for (let i = h; i < end; i++) {
        const v = s.values[i]!;
        if (STATUS_RANK[s.status[i]!] > STATUS_RANK[status]) status = s.status[i]!;
        if (Number.isNaN(v)) continue;
        sum += v;
        count++;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      return { mean: count ? sum / count : NaN, min, max, status };
    };
    const p = stats(grid.price);
    const c = stats(grid.carbon);
    points.push({
      t: new Date(bucketStart).toISOString(),
      hours: end - h,
      price: num(p.mean),
      priceMin: num(p.min),
      priceMax: num(p.max),
      carbon: num(c.mean),
      carbonMin: num(c.min),
      carbonMax: num(c.max),
      priceStatus: p.status,
      carbonStatus: c.status,
    });
    h = end;
  }
  return points;
}

function sourceNotes(row: Site, site: CostSite, fromLoader: boolean, nowMs: number) {
  const year = new Date(nowMs).getUTCFullYear();
  const laid = `laid over the current weeks in 52-week steps (same weekday and hour): an estimate for ${year}, not a measurement; hours from the next full hour on are a seasonal-naive forecast (each repeats the same hour of the last day that has ended)`;
  const price =
    site.tariff.kind === 'hourly'
      ? {
          kind: 'hourly' as const,
          label: 'modelled' as const,
          note: fromLoader && row.gridZone ? `${row.gridZone} ${GRID_NOTES.price}, ${laid}` : laid,
        }
      : {
          kind: site.tariff.kind,
          label: 'rated' as const,
          note: fromLoader
            ? `the site's ${site.tariff.kind} tariff, known in advance`
            : ESTIMATE_DEFAULTS.pricePerKWh.note + ' (the site has no grid zone)',
        };
  const carbon =
    site.carbon.kind === 'hourly'
      ? {
          kind: 'hourly' as const,
          label: 'modelled' as const,
          note: fromLoader && row.gridZone ? `${row.gridZone} ${GRID_NOTES.carbon}, ${laid}` : laid,
        }
      : {
          kind: 'constant' as const,
          label: 'rated' as const,
          note: fromLoader
            ? "the site's constant grid intensity"
            : ESTIMATE_DEFAULTS.gridKgPerKWh.note + ' (the site has no grid zone)',
        };
  return { zone: row.gridZone, recordedYear: 2023, price, carbon };
}

/** The window on whole hours: the hour that holds `from` to the end of the hour that holds `to`. */
function hourWindow(from: Date, to: Date) {
  const startMs = Math.floor(from.getTime() / MS_PER_HOUR) * MS_PER_HOUR;
  const endMs = Math.ceil(to.getTime() / MS_PER_HOUR) * MS_PER_HOUR;
  return { startMs, endMs, hours: (endMs - startMs) / MS_PER_HOUR };
}

export async function facilityEnergy(ctx: FacilityCtx, input: Period, nowMs = Date.now()) {
  const { sites, site, row } = await resolveSite(ctx.db, input.siteId);
  const { startMs, endMs, hours } = hourWindow(input.from, input.to);
  const resolution: 'hour' | 'day' = hours > HOURLY_UP_TO_HOURS ? 'day' : 'hour';
  const window = { from: new Date(startMs).toISOString(), to: new Date(endMs).toISOString() };
  if (!site || !row)
    return {
      site: null,
      sites,
      currency: null,
      window,
      resolution,
      now: new Date(nowMs).toISOString(),
      sources: null,
      summary: null,
      points: [],
      heatmap: null,
      usage: null,
    };
  const loaded = ctx.siteRates?.(row, nowMs) ?? null;
  const costSite = loaded ?? fallbackSite(row);
  const grid = gridHours(costSite, startMs, hours, nowMs);
  // The heat map reads the hours that have begun, not the forecast.
  const pastHours = Math.max(0, Math.min(hours, Math.ceil((nowMs - startMs) / MS_PER_HOUR)));
  const mapOf = (timeZone: string): HourOfWeekHeatmap | null => {
    if (pastHours === 0) return null;
    try {
      return hourOfWeekHeatmap(
        {
          startMs,
          price: grid.price.values.subarray(0, pastHours),
          carbon: grid.carbon.values.subarray(0, pastHours),
        },
        { timeZone },
      );
    } catch {
      return null; // a site time zone this runtime does not know: the UTC map still stands
    }
  };
  // Mean, lowest and highest of the hours that have begun (the forecast is not a fact yet).
  const stats = (values: Float64Array) => {
    const st = seriesStats({
      name: 'window',
      unit: '',
      startMs,
      values: values.subarray(0, pastHours),
    });
    return st.count
      ? {
          mean: st.mean,
          min: st.min,
          max: st.max,
          minAt: new Date(st.minAtMs).toISOString(),
          maxAt: new Date(st.maxAtMs).toISOString(),
          hours: st.count,
        }
      : null;
  };
  const isAdmin = ctx.principal.role === 'admin';
  return {
    site,
    sites,
    currency: costSite.currency,
    window,
    resolution,
    now: new Date(nowMs).toISOString(),
    sources: sourceNotes(row, costSite, loaded !== null, nowMs),
    summary: { price: stats(grid.price.values), carbon: stats(grid.carbon.values) },
    points: toPoints(startMs, grid, resolution === 'day' ? DAY_MS : MS_PER_HOUR),
    heatmap: { utc: mapOf('UTC'), local: mapOf(row.timezone), localTimeZone: row.timezone },
    // The facility's energy is everyone's: a member does not see it.
    usage: isAdmin
      ? await usageSeries(ctx.db, site.id, new Date(startMs), new Date(endMs), resolution)
      : null,
  };
}

async function usageSeries(
  db: Db,
  siteId: string,
  from: Date,
  to: Date,
  resolution: 'hour' | 'day',
) {
  const buckets = await usageBuckets(db, { siteId, from, to, bucket: resolution });
  const points = buckets.map((b) => {
    const idleItKWh = Math.max(0, b.itKWh - b.jobsItKWh);
    return {
      t: new Date(b.startMs).toISOString(),
      hours: b.hours,
      meteredHours: b.meteredHours,
      itKWh: b.itKWh,
      jobsItKWh: b.jobsItKWh,
      idleItKWh,
      facilityKWh: b.facilityKWh,
      pue: b.itKWh > 0 ? b.facilityKWh / b.itKWh : null,
      // Mean power over the hours recorded: kWh per hour is kW.
      activeKW: b.jobsItKWh / b.hours,
      idleKW: idleItKWh / b.hours,
    };
  });
  const sum = (k: 'hours' | 'meteredHours' | 'itKWh' | 'jobsItKWh' | 'facilityKWh') =>
    buckets.reduce((s, b) => s + b[k], 0);
  const it = sum('itKWh');
  const totals = {
    hours: sum('hours'),
    meteredHours: sum('meteredHours'),
    itKWh: it,
    jobsItKWh: sum('jobsItKWh'),
    idleItKWh: Math.max(0, it - sum('jobsItKWh')),
    facilityKWh: sum('facilityKWh'),
    pue: it > 0 ? sum('facilityKWh') / it : null,
  };
  return { points, totals };
}

/** Whole UTC days covering the window, capacity counted only up to now. */
function dayCoverage(from: Date, to: Date, nowMs: number) {
  const startMs = Math.floor(from.getTime() / DAY_MS) * DAY_MS;
  const endMs = Math.ceil(to.getTime() / DAY_MS) * DAY_MS;
  const hours = Math.max(0, (Math.min(endMs, nowMs) - startMs) / MS_PER_HOUR);
  return { startMs, endMs, hours };
}

type Holder = {
  attemptId: string;
  jobId: string;
  jobName: string;
  teamId: string;
  /** Share of the GPU held, in thousandths (1000: the whole GPU). */
  milli: number;
  startedAt: string;
};

export async function facilityNodes(ctx: FacilityCtx, input: Period, nowMs = Date.now()) {
  const { sites, site } = await resolveSite(ctx.db, input.siteId);
  const member = ctx.principal.role === 'member' ? ctx.principal.teamId! : null;
  const cover = dayCoverage(input.from, input.to, nowMs);
  const base = {
    sites,
    window: { from: input.from.toISOString(), to: input.to.toISOString() },
    coverage: {
      from: new Date(cover.startMs).toISOString(),
      to: new Date(cover.endMs).toISOString(),
      hours: cover.hours,
    },
    // A member's figures are their team's jobs on each node; capacity is everyone's.
    scope: member ? ('team' as const) : ('facility' as const),
    idleUtilPct: IDLE_UTIL_PCT,
    recentMinutes: RECENT_SAMPLES_MS / 60_000,
  };
  if (!site)
    return {
      ...base,
      site: null,
      currency: null,
      nodes: [],
      racks: [],
      otherHosts: null,
      totals: null,
      workers: [],
      heldIdle: [],
    };
  const [nodeRows, lines, live] = await Promise.all([
    listSiteNodes(ctx.db, site.id),
    nodeCostTotals(ctx.db, {
      siteId: site.id,
      fromDay: new Date(cover.startMs),
      toDay: new Date(cover.endMs),
      teamId: member ?? undefined,
    }),
    liveWorkerActivity(ctx.db, { siteId: site.id, liveSeconds: 2 * ctx.leaseSeconds }),
  ]);
  const byNode = new Map(lines.map((l) => [l.node, l]));
  const total = lines.reduce(
    (s, l) => ({
      gpuHours: s.gpuHours + l.gpuHours,
      itKWh: s.itKWh + l.itKWh,
      facilityKWh: s.facilityKWh + l.facilityKWh,
      cost: s.cost + l.cost,
    }),
    { gpuHours: 0, itKWh: 0, facilityKWh: 0, cost: 0 },
  );
  const share = (x: number, of: number) => (of > 0 ? x / of : null);
  const workerOnNode = new Map<string, string>();
  for (const w of live.workers) {
    const node = nodeRows.find((n) => n.id === w.nodeId || n.name === w.hostname);
    if (node) workerOnNode.set(node.name, w.id);
  }
  const listed = new Set(nodeRows.map((n) => n.name));
  const nodes = nodeRows.map((n) => {
    const l = byNode.get(n.name);
    const gpuHours = l?.gpuHours ?? 0;
    const itKWh = l?.itKWh ?? 0;
    const cost = l?.cost ?? 0;
    return {
      ...n,
      gpuHours,
      utilisation: n.gpuCount > 0 && cover.hours > 0 ? gpuHours / (n.gpuCount * cover.hours) : null,
      itKWh,
      facilityKWh: l?.facilityKWh ?? 0,
      cost,
      co2eKg: l?.co2eKg ?? 0,
      /** The jobs' mean IT draw over the coverage, kW. */
      avgKW: cover.hours > 0 ? itKWh / cover.hours : null,
      energyShare: share(itKWh, total.itKWh),
      costShare: share(cost, total.cost),
      workerId: workerOnNode.get(n.name) ?? null,
    };
  });
  const racks = new Map<string | null, { nodes: number; gpus: number }>();
  for (const n of nodeRows) {
    const r = racks.get(n.rack) ?? { nodes: 0, gpus: 0 };
    r.nodes++;
    r.gpus += n.gpuCount;
    racks.set(n.rack, r);
  }
  const other = lines.filter((l) => l.node === null || !listed.has(l.node));
  const gpus = nodeRows.reduce((s, n) => s + n.gpuCount, 0);
  const { workers, heldIdle } = liveGpus(live, member);
  return {
    ...base,
    site,
    currency: site.currency,
    nodes,
    racks: [...racks].map(([name, r]) => ({ name, ...r })),
    // Cost lines on hosts that are not nodes of the site (workers registered without a node).
    otherHosts: {
      hosts: other.length,
      gpuHours: other.reduce((s, l) => s + l.gpuHours, 0),
      itKWh: other.reduce((s, l) => s + l.itKWh, 0),
      cost: other.reduce((s, l) => s + l.cost, 0),
    },
    totals: {
      nodes: nodeRows.length,
      gpus,
      ...total,
      utilisation:
        gpus > 0 && cover.hours > 0
          ? (total.gpuHours - other.reduce((s, l) => s + l.gpuHours, 0)) / (gpus * cover.hours)
          : null,
    },
    workers,
    heldIdle,
  };
}

/**
 * Each live worker's GPUs with the running attempt that holds them and their latest and recent
 * telemetry. For a member, another team's attempt shows only that the GPU is taken.
 */
function liveGpus(live: Awaited<ReturnType<typeof liveWorkerActivity>>, member: string | null) {
  const samplesBy = new Map<string, typeof live.samples>();
  for (const s of live.samples) {
    const list = samplesBy.get(s.attemptId) ?? [];
    list.push(s);
    samplesBy.set(s.attemptId, list);
  }
  const heldIdle: {
    workerId: string;
    hostname: string;
    gpuIndex: number;
    gpuName: string;
    holder: Holder;
    recentUtil: number;
    powerW: number | null;
  }[] = [];
  const workers = live.workers.map((w) => {
    const mine = live.attempts.filter((a) => a.workerId === w.id);
    const gpus = w.gpus.map((g) => {
      const attempt = mine.find((a) => a.gpuIndices.includes(g.index));
      if (!attempt) return { ...g, holder: null, latest: null, recentUtil: null, idle: false };
      if (member && attempt.teamId !== member)
        return { ...g, holder: 'other-team' as const, latest: null, recentUtil: null, idle: false };
      const holder: Holder = {
        attemptId: attempt.id,
        jobId: attempt.jobId,
        jobName: attempt.jobName,
        teamId: attempt.teamId,
        milli: attempt.milliPerGpu || 1000,
        startedAt: attempt.startedAt.toISOString(),
      };
      const readings = (samplesBy.get(attempt.id) ?? []).flatMap((s) =>
        s.gpus.filter((x) => x.index === g.index).map((x) => ({ at: s.at, ...x })),
      );
      const last = readings.at(-1);
      const utils = readings.map((r) => r.util).filter((u): u is number => u !== null);
      const recentUtil = utils.length ? utils.reduce((a, b) => a + b, 0) / utils.length : null;
      const idle = recentUtil !== null && recentUtil < IDLE_UTIL_PCT;
      const latest = last
        ? {
            at: last.at.toISOString(),
            powerW: last.powerW,
            util: last.util,
            memoryMiB: last.memoryMiB,
          }
        : null;
      if (idle)
        heldIdle.push({
          workerId: w.id,
          hostname: w.hostname,
          gpuIndex: g.index,
          gpuName: g.name,
          holder,
          recentUtil,
          powerW: latest?.powerW ?? null,
        });
      return { ...g, holder, latest, recentUtil, idle };
    });
    return {
      id: w.id,
      hostname: w.hostname,
      lastHeartbeatAt: w.lastHeartbeatAt.toISOString(),
      gpus,
    };
  });
  return { workers, heldIdle };
}
