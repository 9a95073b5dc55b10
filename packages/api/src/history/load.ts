// `wattwise history load`: a simulated stretch of the Alibaba 2023 cluster's past written as job
// history, bills, cost lines and the facility's hourly usage, all in one transaction.
import { performance } from 'node:perf_hooks';

import { findGridZone, InputError } from '@wattwise/cost-model';
import { gridSite } from '@wattwise/cost-model/node';
import {
  deleteSiteHistory,
  ensureSite,
  ensureTeams,
  findSiteByName,
  newId,
  QueueError,
  saveHistory,
  siteHistory,
  upsertNodes,
  type Db,
  type HistoryWrite,
  type Site,
  type SiteRates,
} from '@wattwise/db';

import { sitePricing, type SiteRatesLoader } from '../billing';
import { HISTORY_TEAMS } from './assign';
import { computeHistory, type HistoryRows } from './compute';

export type LoadHistoryOptions = {
  /** The Alibaba 2023 pod list and node list as text; `file` names them in errors. */
  trace: { text: string; file?: string };
  nodes: { text: string; file?: string };
  /** A bundled grid zone with prices (US-CAL-CISO, DE-LU…): the site is `alibaba-2023 <ZONE>`. */
  zone: string;
  /** Length of the window, days (default 30). */
  days?: number;
  /** The window's end (default: now); taken down to the hour. */
  end?: Date;
  /** Replace the site's earlier history instead of refusing. */
  replace?: boolean;
  /** PUE of a site made now (default 1.2); a site that exists keeps its own. */
  pue?: number;
  /** Site currency per USD, for a site made now in a zone that does not bill in USD. */
  fxPerUsd?: number;
};

export type LoadHistoryDeps = {
  /** The server's hourly prices for a site (ApiDeps.siteRates); default: the bundled grid data. */
  siteRates?: SiteRatesLoader;
};

export type LoadHistoryResult = {
  site: { id: string; name: string; zone: string; currency: string; created: boolean };
  window: { from: string; to: string; days: number; compression: number };
  counts: {
    jobs: number;
    running: number;
    bills: number;
    costLines: number;
    hours: number;
    nodes: number;
  };
  totals: {
    currency: string;
    /** The facility over the window: jobs + idle + shared. */
    total: number;
    jobs: number;
    idle: number;
    shared: number;
    itKWh: number;
    facilityKWh: number;
    co2eKg: number;
    gpuHoursCapacity: number;
    gpuHoursAllocated: number;
    gpuHoursUsed: number;
  };
  notes: string[];
  seconds: { compute: number; write: number };
};

const HOUR_MS = 3_600_000;

/** Where each bundled zone's site stands, for its local time. */
const TIMEZONES: Record<string, string> = {
  'US-CAL-CISO': 'America/Los_Angeles',
  'US-TEX-ERCO': 'America/Chicago',
  'US-MIDA-PJM': 'America/New_York',
  'US-NY-NYIS': 'America/New_York',
  'DE-LU': 'Europe/Berlin',
  GB: 'Europe/London',
  SG: 'Asia/Singapore',
};

/**
 * Rates of a site made for history, in USD (× fxPerUsd elsewhere): the demo site's, plus what no job
 * causes in a facility of this size (storage arrays, uplinks, staff not tied to GPUs), about 5 % of
 * the Alibaba cluster's month.
 */
function historyRates(fx: number): SiteRates {
  return {
    operationsPerGpuHour: 0.25 * fx,
    operationsPerCoreHour: 0.002 * fx,
    cpuCorePerHour: 0.007 * fx,
    storagePerGbMonth: 0.02 * fx,
    networkPerGb: 0.01 * fx,
    hardwareLifeYears: 4,
    costOfCapital: 0.08,
    ...(fx !== 1 ? { fxPerUsd: fx } : {}),
    sharedPerMonth: { operations: 90_000 * fx, storage: 60_000 * fx, bandwidth: 25_000 * fx },
  };
}

const bad = (message: string) => new QueueError('BAD_REQUEST', message);

/**
 * Simulates the window and writes it for the zone's site (made if missing, with its nodes): all or
 * nothing. A site that already holds history is refused (409) unless `replace`, which deletes that
 * history first. Bad files or options are 400s naming the file, line and field.
 */
export async function loadHistory(
  db: Db,
  deps: LoadHistoryDeps,
  options: LoadHistoryOptions,
): Promise<LoadHistoryResult> {
  let zone;
  try {
    zone = findGridZone(options.zone);
  } catch (err) {
    throw bad(err instanceof Error ? err.message : String(err));
  }
  if (!zone.hasPrices)
    throw bad(`zone ${zone.id} has no bundled price series: choose a zone with hourly prices`);
  const days = options.days ?? 30;
  const endMs = Math.floor((options.end?.getTime() ?? Date.now()) / HOUR_MS) * HOUR_MS;
  if (!Number.isFinite(endMs)) throw bad('end: must be a valid time');
  if (endMs > Date.now())
    throw bad(`end: ${new Date(endMs).toISOString()} is in the future; history ends by now`);
  const name = `alibaba-2023 ${zone.id}`;

  const found = await findSiteByName(db, name);
  if (!found && zone.currency !== 'USD' && options.fxPerUsd === undefined)
    throw bad(`fxPerUsd: required for zone ${zone.id}, which bills in ${zone.currency}`);
  if (found && !options.replace) await refuseIfLoaded(db, found);
  const site: Site = found ?? {
    id: newId('site'),
    name,
    region: zone.alias,
    timezone: TIMEZONES[zone.id] ?? 'UTC',
    currency: zone.currency,
    pue: options.pue ?? 1.2,
    gridZone: zone.id,
    rates: historyRates(zone.currency === 'USD' ? 1 : options.fxPerUsd!),
    createdAt: new Date(),
  };
  if (site.pue < 1) throw bad(`pue: ${site.pue} must be at least 1`);

  const t0 = performance.now();
  const loader: SiteRatesLoader =
    deps.siteRates ??
    ((s, nowMs) =>
      gridSite(zone.id, {
        pue: s.pue,
        window: { fromMs: nowMs - 400 * 24 * HOUR_MS, toMs: nowMs + 60 * 24 * HOUR_MS },
      }));
  let rows: HistoryRows;
  try {
    rows = computeHistory({
      trace: { text: options.trace.text, file: options.trace.file ?? 'pods.csv' },
      nodes: { text: options.nodes.text, file: options.nodes.file ?? 'nodes.csv' },
      pricing: sitePricing(site, loader, endMs),
      sharedPerMonth: site.rates.sharedPerMonth,
      days,
      endMs,
    });
  } catch (err) {
    if (err instanceof InputError) throw bad(err.message);
    throw err;
  }
  const t1 = performance.now();

  const write = toWrite(rows, site.id);
  await db.transaction(async (txDb) => {
    const tx = txDb as unknown as Db;
    await ensureSite(tx, site);
    if (options.replace) await deleteSiteHistory(tx, site.id);
    else await refuseIfLoaded(tx, site);
    const teams = await ensureTeams(tx, HISTORY_TEAMS);
    for (const job of write.jobs) job.teamId = teams.get(job.teamId)!;
    for (const line of write.costLines) line.teamId = teams.get(line.teamId)!;
    for (const bill of write.bills) bill.teamId = teams.get(bill.teamId)!;
    await upsertNodes(tx, site.id, rows.nodes);
    await saveHistory(tx, write);
  });
  const t2 = performance.now();
  return summary(rows, site, !found, write, { compute: (t1 - t0) / 1000, write: (t2 - t1) / 1000 });
}

async function refuseIfLoaded(db: Db, site: Site): Promise<void> {
  const held = await siteHistory(db, site.id);
  if (held.jobs === 0 && held.hours === 0) return;
  const span =
    held.from && held.to
      ? ` from ${held.from.toISOString()} to ${new Date(held.to.getTime() + HOUR_MS).toISOString()}`
      : '';
  throw new QueueError(
    'CONFLICT',
    `site "${site.name}" already holds loaded history (${held.jobs} jobs, ${held.hours} hours${span}): replace it with replace: true (--replace)`,
  );
}

/** The rows as the tables take them; team columns hold team names until the teams are known. */
function toWrite(rows: HistoryRows, siteId: string): HistoryWrite {
  const out: HistoryWrite = { jobs: [], bills: [], costLines: [], usage: [] };
  const currency = rows.currency;
  for (const j of rows.jobs) {
    const id = newId('job');
    const finishedAt = j.finishedMs === null ? null : new Date(j.finishedMs);
    out.jobs.push({
      id,
      teamId: j.team,
      name: j.pod,
      project: j.project,
      origin: 'history',
      // A record of a pod that ran, not a command to run: it has no attempts and no worker.
      kind: 'command',
      payload: { argv: ['trace', j.pod] },
      state: finishedAt ? 'succeeded' : 'running',
      attempts: 1,
      runAfter: new Date(j.createdMs),
      gpus: j.gpus,
      cpuMilli: j.cpuMilli,
      memoryMiB: j.memoryMiB,
      gpuModel: j.gpuSpec,
      expectedSeconds: j.runSeconds,
      createdAt: new Date(j.createdMs),
      startedAt: new Date(j.startedMs),
      finishedAt,
    });
    if (j.bill)
      out.bills.push({
        jobId: id,
        teamId: j.team,
        siteId,
        currency,
        total: j.bill.total,
        ...j.bill.parts,
        itKWh: j.bill.itKWh,
        facilityKWh: j.bill.facilityKWh,
        co2eKg: j.bill.co2eKg,
        energyMethod: j.bill.energyMethod,
        detail: j.bill.detail,
        createdAt: finishedAt!,
      });
    for (const d of j.days)
      out.costLines.push({
        jobId: id,
        day: new Date(d.startMs),
        siteId,
        teamId: j.team,
        project: j.project,
        node: j.node,
        gpuModel: j.gpuModel,
        currency,
        hardware: d.hardware,
        energy: d.energy,
        operations: d.operations,
        storage: d.storage,
        bandwidth: d.bandwidth,
        total: d.total,
        gpuHours: d.gpuHours,
        itKWh: d.itKWh,
        facilityKWh: d.facilityKWh,
        co2eKg: d.co2eKg,
        billed: j.bill !== null,
      });
  }
  for (const { hourMs, ...h } of rows.hours)
    out.usage.push({ siteId, hour: new Date(hourMs), currency, ...h, source: 'simulated' });
  return out;
}

function summary(
  rows: HistoryRows,
  site: Site,
  created: boolean,
  write: HistoryWrite,
  seconds: LoadHistoryResult['seconds'],
): LoadHistoryResult {
  const sum = (f: (h: HistoryRows['hours'][number]) => number) =>
    rows.hours.reduce((s, h) => s + f(h), 0);
  return {
    site: { id: site.id, name: site.name, zone: site.gridZone!, currency: rows.currency, created },
    window: {
      from: new Date(rows.window.startMs).toISOString(),
      to: new Date(rows.window.endMs).toISOString(),
      days: rows.window.days,
      compression: rows.window.compression,
    },
    counts: {
      jobs: write.jobs.length,
      running: write.jobs.filter((j) => j.state === 'running').length,
      bills: write.bills.length,
      costLines: write.costLines.length,
      hours: write.usage.length,
      nodes: rows.nodes.length,
    },
    totals: {
      currency: rows.currency,
      total: sum((h) => h.total),
      jobs: sum((h) => h.jobsCost),
      idle: sum((h) => h.idleCost),
      shared: sum((h) => h.sharedCost),
      itKWh: sum((h) => h.itKWh),
      facilityKWh: sum((h) => h.facilityKWh),
      co2eKg: sum((h) => h.co2eKg),
      gpuHoursCapacity: sum((h) => h.gpus),
      gpuHoursAllocated: sum((h) => h.gpuHoursAllocated),
      gpuHoursUsed: sum((h) => h.gpuHoursUsed),
    },
    notes: rows.notes,
    seconds,
  };
}
