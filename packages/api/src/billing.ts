// A job's bill, made by cost-model from what its attempts measured, in the transaction that ends
// the job (see OnTerminal in @wattwise/db), so a bill is never lost and never made twice.
import {
  billJob,
  ESTIMATE_DEFAULTS,
  findAccelerator,
  type EnergyMethod,
  type JobBill,
  type JobBillInput,
  type MeteredInterval,
  type Site as CostSite,
} from '@wattwise/cost-model';
import {
  billingInputs,
  saveBill,
  saveCostLines,
  type BillingInputs,
  type Db,
  type Job,
  type NewCostLine,
  type Site,
} from '@wattwise/db';

import { dailyCost, hourlyCost } from './cost-lines';

/** A site's hourly prices and carbon (the server builds them from its grid data). */
export type SiteRatesLoader = (site: Site, nowMs: number) => CostSite | null;

/** An attempt that reported no energy (its worker died): GPU at TDP, CPU at a flat draw per core. */
export const UNMETERED_ERROR_BAND = 0.5;
const UNMETERED_WATTS_PER_CORE = 10;

export type BillOutcome = { billed: true } | { billed: false; reason: string };

/** Bills a finished job; a job that never ran is not billed, and one already billed is left as it is. */
export async function billFinishedJob(
  db: Db,
  job: Pick<Job, 'id'>,
  loadSite: SiteRatesLoader,
): Promise<BillOutcome> {
  const inputs = await billingInputs(db, job.id);
  if (!inputs) return { billed: false, reason: `job ${job.id} not found` };
  const ran = inputs.attempts.filter((a) => a.state !== 'running');
  if (ran.length === 0) return { billed: false, reason: 'no attempt ran' };
  let input: JobBillInput;
  let bill: JobBill;
  try {
    input = billInput(inputs, loadSite);
    bill = billJob(input);
  } catch (err) {
    // A configuration the model refuses (a tariff that does not cover the hours, say) must not
    // undo the completion: the job ends unbilled and the server's sweep reports it.
    return { billed: false, reason: err instanceof Error ? err.message : String(err) };
  }
  const saved = await saveBill(db, {
    jobId: inputs.job.id,
    teamId: inputs.job.teamId,
    siteId: inputs.site?.id ?? null,
    currency: bill.currency,
    total: bill.total,
    ...bill.parts,
    itKWh: bill.itKWh,
    facilityKWh: bill.facilityKWh,
    co2eKg: bill.co2eKg,
    energyMethod: bill.energyMethod,
    detail: {
      lines: bill.lines,
      hourly: bill.hourly,
      range: bill.range ?? null,
      hours: bill.hours,
    },
  });
  if (saved) await saveCostLines(db, billLines(inputs, bill, input));
  return { billed: true };
}

/** The bill's cost lines, one per UTC day it held resources in, on the host of its last attempt. */
function billLines(inputs: BillingInputs, bill: JobBill, input: JobBillInput): NewCostLine[] {
  const { job, site } = inputs;
  const ran = inputs.attempts.filter((a) => a.state !== 'running');
  const gpuName = inputs.attempts.find((a) => a.worker.gpus.length > 0)?.worker.gpus[0]?.name;
  const gpuModel = job.gpus > 0 ? (input.accelerator?.name ?? gpuName ?? null) : null;
  return dailyCost(hourlyCost(bill, input.intervals, job.gpus)).map((day) => ({
    jobId: job.id,
    day: new Date(day.startMs),
    siteId: site?.id ?? null,
    teamId: job.teamId,
    project: job.project,
    node: ran.at(-1)?.worker.hostname ?? null,
    gpuModel,
    currency: bill.currency,
    hardware: day.hardware,
    energy: day.energy,
    operations: day.operations,
    storage: day.storage,
    bandwidth: day.bandwidth,
    total: day.total,
    gpuHours: day.gpuHours,
    itKWh: day.itKWh,
    facilityKWh: day.facilityKWh,
    co2eKg: day.co2eKg,
    billed: true,
  }));
}

/** A site without hourly data (or none at all): published average price and carbon at its PUE. */
export function fallbackSite(site: Site | null): CostSite {
  return {
    id: site?.id ?? 'default',
    name: site?.name ?? 'default (no site configured)',
    currency: site?.currency ?? ESTIMATE_DEFAULTS.pricePerKWh.currency,
    pue: site?.pue ?? ESTIMATE_DEFAULTS.pue.value,
    tariff: { kind: 'flat', perKWh: ESTIMATE_DEFAULTS.pricePerKWh.value },
    carbon: { kind: 'constant', kgPerKWh: ESTIMATE_DEFAULTS.gridKgPerKWh.value },
  };
}

/**
 * What a bill at `site` rests on besides the energy: its hourly prices and carbon, and the rates that
 * price the hardware and operations. Shared by bills and by estimates, so the two cannot drift.
 */
export function sitePricing(
  site: Site | null,
  loadSite: SiteRatesLoader,
  nowMs: number,
): Pick<JobBillInput, 'site' | 'hardware' | 'operations'> & { cpuCorePriced: boolean } {
  const rates = site?.rates ?? {};
  const costSite = (site && loadSite(site, nowMs)) ?? fallbackSite(site);
  return {
    site: costSite,
    cpuCorePriced: rates.cpuCorePerHour !== undefined,
    hardware: {
      lifeYears: rates.hardwareLifeYears,
      costOfCapital: rates.costOfCapital,
      cpuCorePerHour: rates.cpuCorePerHour,
      fxPerUsd: costSite.currency === 'USD' ? undefined : rates.fxPerUsd,
    },
    operations: {
      perGpuHour: rates.operationsPerGpuHour,
      perCoreHour: rates.operationsPerCoreHour,
    },
  };
}

/** Draw of a job nobody metered: its GPUs at TDP, its cores at a flat draw each, W. */
export function modelledWatts(tdpW: number | null, gpus: number, cpuMilli: number): number {
  return (tdpW ?? 0) * gpus + (cpuMilli / 1000) * UNMETERED_WATTS_PER_CORE;
}

function billInput(inputs: BillingInputs, loadSite: SiteRatesLoader): JobBillInput {
  const { job, site } = inputs;
  const nowMs = Date.now();
  const { cpuCorePriced, ...pricing } = sitePricing(site, loadSite, nowMs);
  const gpuName = inputs.attempts.find((a) => a.worker.gpus.length > 0)?.worker.gpus[0]?.name;
  const accelerator = job.gpus > 0 && gpuName ? knownAccelerator(gpuName) : null;
  const cores = cpuCorePriced ? job.cpuMilli / 1000 : 0;
  const intervals: MeteredInterval[] = inputs.attempts
    .filter((a) => a.state !== 'running')
    .map((a) => {
      const startMs = a.startedAt.getTime();
      // A reaped attempt stopped at the latest when its lease ran out, not when the reaper noticed.
      const endMs = Math.max(
        startMs,
        Math.min(
          a.finishedAt?.getTime() ?? nowMs,
          a.state === 'expired' ? a.leaseExpiresAt.getTime() : Infinity,
        ),
      );
      if (a.energy && a.energy.devices.length > 0) {
        const modelled = a.energy.devices.filter((d) => d.method === 'modelled');
        if (modelled.length === 0)
          return {
            startMs,
            endMs,
            itEnergyKWh: a.energy.itKWh,
            method: mainMethod(a.energy.devices),
          };
        // Part of it modelled: the whole interval carries the modelled share's band, weighted by energy.
        const band = modelled.reduce(
          (s, d) => s + d.kWh * (d.errorBand ?? UNMETERED_ERROR_BAND),
          0,
        );
        return {
          startMs,
          endMs,
          itEnergyKWh: a.energy.itKWh,
          method: 'modelled',
          errorBand: a.energy.itKWh > 0 ? Math.min(1, band / a.energy.itKWh) : UNMETERED_ERROR_BAND,
        };
      }
      const hours = (endMs - startMs) / 3_600_000;
      const watts = modelledWatts(accelerator?.tdpW ?? null, job.gpus, job.cpuMilli);
      return {
        startMs,
        endMs,
        itEnergyKWh: (watts * hours) / 1000,
        method: 'modelled',
        errorBand: UNMETERED_ERROR_BAND,
      };
    });
  return {
    ...pricing,
    intervals,
    accelerator: accelerator ? { name: accelerator.id, count: job.gpus } : undefined,
    cpuCores: cores,
  };
}

export function knownAccelerator(name: string) {
  try {
    return findAccelerator(name);
  } catch {
    return null;
  }
}

/** The method behind most of the energy. */
function mainMethod(devices: { kWh: number; method: EnergyMethod }[]): EnergyMethod {
  let best: { kWh: number; method: EnergyMethod } | undefined;
  for (const d of devices) if (!best || d.kWh > best.kWh) best = d;
  return best?.method ?? 'modelled';
}
