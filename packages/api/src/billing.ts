// A job's bill, made by cost-model from what its attempts measured, in the transaction that ends
// the job (see OnTerminal in @wattwise/db), so a bill is never lost and never made twice.
import {
  billJob,
  ESTIMATE_DEFAULTS,
  findAccelerator,
  type EnergyMethod,
  type JobBill,
  type MeteredInterval,
  type Site as CostSite,
} from '@wattwise/cost-model';
import {
  billingInputs,
  saveBill,
  type BillingInputs,
  type Db,
  type Job,
  type Site,
} from '@wattwise/db';

/** A site's hourly prices and carbon (the server builds them from its grid data). */
export type SiteRatesLoader = (site: Site, nowMs: number) => CostSite | null;

/** An attempt that reported no energy (its worker died): GPU at TDP, CPU at a flat draw per core. */
const UNMETERED_ERROR_BAND = 0.5;
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
  let bill: JobBill;
  try {
    bill = billJob(billInput(inputs, loadSite));
  } catch (err) {
    // A configuration the model refuses (a tariff that does not cover the hours, say) must not
    // undo the completion: the job ends unbilled and the server's sweep reports it.
    return { billed: false, reason: err instanceof Error ? err.message : String(err) };
  }
  await saveBill(db, {
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
  return { billed: true };
}

function fallbackSite(site: Site | null): CostSite {
  return {
    id: site?.id ?? 'default',
    name: site?.name ?? 'default (no site configured)',
    currency: site?.currency ?? ESTIMATE_DEFAULTS.pricePerKWh.currency,
    pue: site?.pue ?? ESTIMATE_DEFAULTS.pue.value,
    tariff: { kind: 'flat', perKWh: ESTIMATE_DEFAULTS.pricePerKWh.value },
    carbon: { kind: 'constant', kgPerKWh: ESTIMATE_DEFAULTS.gridKgPerKWh.value },
  };
}

function billInput(inputs: BillingInputs, loadSite: SiteRatesLoader) {
  const { job, site } = inputs;
  const rates = site?.rates ?? {};
  const nowMs = Date.now();
  const costSite = (site && loadSite(site, nowMs)) ?? fallbackSite(site);
  const gpuName = inputs.attempts.find((a) => a.worker.gpus.length > 0)?.worker.gpus[0]?.name;
  const accelerator = job.gpus > 0 && gpuName ? knownAccelerator(gpuName) : null;
  const cores = rates.cpuCorePerHour !== undefined ? job.cpuMilli / 1000 : 0;
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
      const watts =
        (accelerator ? accelerator.tdpW * job.gpus : 0) +
        (job.cpuMilli / 1000) * UNMETERED_WATTS_PER_CORE;
      return {
        startMs,
        endMs,
        itEnergyKWh: (watts * hours) / 1000,
        method: 'modelled',
        errorBand: UNMETERED_ERROR_BAND,
      };
    });
  return {
    site: costSite,
    intervals,
    accelerator: accelerator ? { name: accelerator.id, count: job.gpus } : undefined,
    cpuCores: cores,
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

function knownAccelerator(name: string) {
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
