// What a job will cost before it runs: the bill it would get if it ran for its expected time at the
// site's prices, with its energy modelled the way an unmetered attempt is billed. Used by the submit
// form's preview and by budget holds.
import { billJob, type CostByPart, type JobBill } from '@wattwise/cost-model';
import { desc, getSite, resolveSite, type Db, type Site } from '@wattwise/db';
import { workers } from '@wattwise/db/schema';

import {
  knownAccelerator,
  modelledWatts,
  sitePricing,
  UNMETERED_ERROR_BAND,
  type SiteRatesLoader,
} from './billing';

export type EstimateRequest = {
  gpus: number;
  cpuMilli: number;
  /** "H100|A100": the first alternative the catalogue knows prices the GPUs. */
  gpuModel?: string | null;
  expectedSeconds?: number | null;
  siteId?: string | null;
};

export type JobCostEstimate = {
  currency: string;
  total: number;
  parts: CostByPart;
  /** The total with the modelled energy's cost at ± its error band. */
  range: { low: number; high: number } | null;
  itKWh: number;
  facilityKWh: number;
  co2eKg: number;
  hours: number;
  lines: JobBill['lines'];
  assumptions: {
    gpu: string | null;
    watts: number;
    site: string;
    startIso: string;
    errorBand: number;
  };
};

/** Workers heard from most recently: whose GPUs and site an estimate assumes when the job names none. */
const RECENT_WORKERS = 20;

/**
 * The job's cost if it ran `expectedSeconds` from `startMs` (default now). Null without an expected
 * run time: there is nothing to multiply.
 */
export async function estimateJobCost(
  deps: { db: Db; siteRates?: SiteRatesLoader },
  job: EstimateRequest,
  startMs = Date.now(),
): Promise<JobCostEstimate | null> {
  if (!job.expectedSeconds || job.expectedSeconds <= 0) return null;
  const recent = await deps.db
    .select({ gpus: workers.gpus, siteId: workers.siteId })
    .from(workers)
    .orderBy(desc(workers.lastHeartbeatAt))
    .limit(RECENT_WORKERS);
  const site = await estimateSite(deps.db, job.siteId, recent);
  const accelerator = job.gpus > 0 ? pickAccelerator(job.gpuModel, recent) : null;
  const watts = modelledWatts(accelerator?.tdpW ?? null, job.gpus, job.cpuMilli);
  const { cpuCorePriced, ...pricing } = sitePricing(site, deps.siteRates ?? (() => null), startMs);
  const endMs = startMs + job.expectedSeconds * 1000;
  const bill = billJob({
    ...pricing,
    intervals: [
      {
        startMs,
        endMs,
        itEnergyKWh: (watts * job.expectedSeconds) / 3_600_000,
        method: 'modelled',
        errorBand: UNMETERED_ERROR_BAND,
      },
    ],
    accelerator: accelerator ? { name: accelerator.id, count: job.gpus } : undefined,
    cpuCores: cpuCorePriced ? job.cpuMilli / 1000 : 0,
  });
  return {
    currency: bill.currency,
    total: bill.total,
    parts: bill.parts,
    range: bill.range ?? null,
    itKWh: bill.itKWh,
    facilityKWh: bill.facilityKWh,
    co2eKg: bill.co2eKg,
    hours: bill.hours,
    lines: bill.lines,
    assumptions: {
      gpu: accelerator?.id ?? null,
      watts,
      site: pricing.site.name,
      startIso: new Date(startMs).toISOString(),
      errorBand: UNMETERED_ERROR_BAND,
    },
  };
}

async function estimateSite(
  db: Db,
  siteId: string | null | undefined,
  recent: { siteId: string | null }[],
): Promise<Site | null> {
  if (siteId) return getSite(db, siteId);
  const heard = recent.find((w) => w.siteId)?.siteId;
  if (heard) return getSite(db, heard);
  return resolveSite(db, undefined);
}

function pickAccelerator(
  gpuModel: string | null | undefined,
  recent: { gpus: { name: string }[] }[],
) {
  for (const alternative of gpuModel?.split('|') ?? []) {
    const known = alternative.trim() && knownAccelerator(alternative.trim());
    if (known) return known;
  }
  for (const w of recent) {
    const known = w.gpus[0] && knownAccelerator(w.gpus[0].name);
    if (known) return known;
  }
  return null;
}
