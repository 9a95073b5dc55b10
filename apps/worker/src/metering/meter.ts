import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { MeterMethod } from './energy';
import type { GpuSample } from './nvidia-smi';
import { querySamples, summarizeGpu, supportedFields } from './nvidia-smi';

/**
 * The shapes of `@wattwise/db`'s `AttemptEnergy` and an `attempt_samples` row (less the attempt id),
 * restated here because the worker does not depend on the db package. `MeterMethod` is the db's
 * `EnergyMethod`.
 */
export type DeviceEnergy = { device: string; kWh: number; method: MeterMethod; errorBand?: number };
export type AttemptEnergy = {
  itKWh: number;
  method: MeterMethod | 'mixed';
  devices: DeviceEnergy[];
};

export type MeterSample = {
  /** 0, 1, 2, … within the attempt; with the attempt id it makes a resent sample harmless. */
  seq: number;
  /** ISO time of the reading. */
  at: string;
  /** One entry per GPU the job holds; nulls where nvidia-smi did not answer this time. */
  gpus: { index: number; powerW: number | null; util: number | null; memoryMiB: number | null }[];
  /** The job's share of CPU package power over the interval that ends here; null on the first sample. */
  cpuW: number | null;
  /**
   * How the sample's leading figure is measured. GPU jobs: 'nvml-energy' when every GPU answered
   * its energy counter (the power shown is NVML's, the bill rests on the counter), 'nvml-power' when
   * some GPU has none (its bill is this power, integrated). CPU-only jobs, or a tick where
   * nvidia-smi did not answer: the CPU's 'rapl' or 'modelled'.
   */
  method: MeterMethod;
};

export type CpuModel = {
  /** Logical cores of the machine, and how many of them the job holds. */
  cores: number;
  coresHeld: number;
  /** Whole-package power idle and at full load (spec sheet or a SPECpower result for the machine). */
  idleW: number;
  maxW: number;
};

export type MeterOptions = {
  /** nvidia-smi indices of the GPUs the job was given; [] for a CPU-only job. */
  gpuIndices: readonly number[];
  intervalMs: number;
  cpu: CpuModel;
  onSample: (sample: MeterSample) => void | Promise<void>;
  /** Default 'nvidia-smi' on PATH. */
  nvidiaSmi?: string;
  /** Default '/sys/class/powercap'. */
  powercapRoot?: string;
  /** Default '/proc/stat'. */
  procStat?: string;
  /** ms since the epoch; default a monotonic clock anchored at Date.now() when the meter starts. */
  now?: () => number;
  /** Above this a GPU's counter step is a reset rather than a wrap (see counterEnergy). Default 2000 W. */
  maxGpuW?: number;
  /**
   * Devices the worker was told it has rather than found (`--virtual-gpus`): nothing is read, neither
   * nvidia-smi nor RAPL nor /proc/stat; each sample carries the draw modelled for the job, and
   * `gpuIndices` and `cpu.idleW`/`maxW` are ignored. See {@link modelledJobW}.
   */
  virtual?: VirtualDevices;
};

/**
 * What a job draws on devices that are modelled, not metered: the simulator's figures for a busy job
 * (`@wattwise/scheduler` DEFAULT_NODE_POWER and gpuModel), so that a replay's bills and its
 * simulation rest on the same power.
 */
export type VirtualDevices = {
  /** The GPUs the job holds: catalogue TDP and idle draw, and the share of each it holds (0–1]. */
  gpus: { index: number; tdpW: number; idleW: number; share: number }[];
  /** A busy GPU draws idle + this share of (TDP − idle) (the simulator's gpuBusyShare). */
  gpuBusyShare: number;
  /** Draw per CPU core held, W (the simulator's cpuWPerCore); `cpu.coresHeld` cores are held. */
  cpuWPerCore: number;
};

export type Meter = {
  /** Takes a reading now, outside the interval loop, and returns the sample it emitted. */
  sampleNow(): Promise<MeterSample>;
  /** Takes a last reading, ends sampling, and returns the attempt's energy. Never rejects. */
  stop(): Promise<AttemptEnergy>;
  /** What could not be measured, in words (nvidia-smi gone, RAPL unreadable, …), oldest first. */
  readonly warnings: readonly string[];
};

/**
 * Relative error band put on modelled CPU energy: ±30 %. The model is the linear one that SPECpower
 * results and Fan, Weber & Barroso ("Power provisioning for a warehouse-sized computer", ISCA 2007)
 * fit, P = idle + (max − idle) × utilisation. Fitted to the machine it is measured, it tracks
 * whole-system power within a few per cent; here idle and max are nominal figures, not a fit to this
 * machine, and utilisation alone misses what the work does (AVX-heavy or memory-bound code draws
 * differently at the same utilisation; Rivoire et al., "A comparison of high-level full-system power
 * models", HotPower 2008). ±30 % is our judgement of that wider error, not a measured figure.
 */
export const MODELLED_CPU_ERROR_BAND = 0.3;

/**
 * Relative error band put on a virtual GPU's modelled energy: ±50 %. The model (idle + gpuBusyShare ×
 * (TDP − idle), TDP by default) is the simulator's busy draw; a real job on a real GPU draws anywhere
 * between idle and TDP, and whole training jobs commonly average well under TDP, so the figure can be
 * off by half either way. Like the CPU band it is our judgement, not a measurement; it matches the
 * band the server puts on an attempt that reported no energy at all.
 */
export const VIRTUAL_GPU_ERROR_BAND = 0.5;

const J_PER_KWH = 3_600_000;

// ---------------------------------------------------------------------------------------------
// CPU: RAPL through powercap, else a linear model over /proc/stat utilisation.

type RaplZone = { energyPath: string; maxUj: number };

/**
 * The package zones (`intel-rapl:N`, which AMD's RAPL driver also uses) whose counters can be read.
 * Sub-zones (`intel-rapl:N:M`: core, uncore, dram) are left out: core and uncore are parts of the
 * package. Since Linux 5.10 `energy_uj` is readable by root only (CVE-2020-8694), so an unprivileged
 * worker usually finds none and falls back to the model.
 */
export async function raplZones(root: string): Promise<RaplZone[] | null> {
  try {
    const names = (await readdir(root)).filter((n) => /^intel-rapl:\d+$/.test(n)).sort();
    const zones: RaplZone[] = [];
    for (const name of names) {
      const energyPath = join(root, name, 'energy_uj');
      const maxUj = Number(
        (await readFile(join(root, name, 'max_energy_range_uj'), 'utf8')).trim(),
      );
      await readFile(energyPath, 'utf8');
      if (!(maxUj > 0)) return null;
      zones.push({ energyPath, maxUj });
    }
    return zones.length ? zones : null;
  } catch {
    return null;
  }
}

/**
 * µJ between two readings of a RAPL counter that wraps to 0 past `maxUj`, assumed to wrap at most
 * once between them: keep the interval well under maxUj / package power (262 kJ / 200 W ≈ 22 min).
 */
export function raplDeltaUj(prevUj: number, curUj: number, maxUj: number): number {
  return curUj >= prevUj ? curUj - prevUj : maxUj - prevUj + curUj;
}

export type CpuTimes = { busy: number; total: number };

/**
 * Busy and total jiffies from the `cpu` line of /proc/stat: user nice system idle iowait irq
 * softirq steal guest guest_nice. Idle is idle + iowait; guest and guest_nice are already counted in
 * user and nice, so they are not added again.
 */
export function parseProcStat(text: string): CpuTimes | null {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  if (!line) return null;
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (v.length < 4 || v.some((x) => !Number.isFinite(x))) return null;
  const total = v.reduce((a, b) => a + b, 0);
  const idle = v[3]! + (v[4] ?? 0);
  return { busy: total - idle, total };
}

/** Utilisation between two readings, 0..1; null when no time passed. */
export function utilisation(a: CpuTimes, b: CpuTimes): number | null {
  const total = b.total - a.total;
  if (!(total > 0)) return null;
  return Math.min(1, Math.max(0, (b.busy - a.busy) / total));
}

/** Linear power model of the whole package: idle + (max − idle) × utilisation. */
export function modelledPackageW(cpu: CpuModel, util: number): number {
  return cpu.idleW + (cpu.maxW - cpu.idleW) * util;
}

// ---------------------------------------------------------------------------------------------

/** A job's modelled draw on virtual devices, W: each GPU's share × (idle + busy share × (TDP − idle)), and the CPU cores held × W per core. */
export function modelledJobW(
  virtual: VirtualDevices,
  coresHeld: number,
): { gpus: { index: number; watts: number }[]; cpuW: number } {
  return {
    gpus: virtual.gpus.map((g) => ({
      index: g.index,
      watts: g.share * (g.idleW + virtual.gpuBusyShare * (g.tdpW - g.idleW)),
    })),
    cpuW: Math.max(0, coresHeld) * virtual.cpuWPerCore,
  };
}

/** Starts metering one attempt: a first reading now, then one every `intervalMs` until stop(). */
export async function startMeter(opts: MeterOptions): Promise<Meter> {
  if (opts.virtual) return startModelledMeter(opts, opts.virtual);
  const now = opts.now ?? monotonicClock();
  const program = opts.nvidiaSmi ?? 'nvidia-smi';
  const gpus = [...opts.gpuIndices];
  const warnings: string[] = [];
  const warn = (text: string) => {
    if (!warnings.includes(text)) warnings.push(text);
  };

  // The job's share of the package: RAPL and the model both see the whole machine, and a job holding
  // `coresHeld` of `cores` is billed that fraction of it, busy or idle, whoever else runs there.
  const share =
    opts.cpu.cores > 0 ? Math.min(1, Math.max(0, opts.cpu.coresHeld / opts.cpu.cores)) : 0;

  const fields = gpus.length ? await supportedFields({ program, gpus }) : [];
  if (gpus.length && !fields.includes('total_energy_consumption'))
    warn('no GPU answers total_energy_consumption: GPU energy is integrated power (nvml-power)');
  const gpuReadings: GpuSample[] = [];

  const zones = await raplZones(opts.powercapRoot ?? '/sys/class/powercap');
  let rapl: number[] | null = zones ? await readRapl(zones) : null;
  let stat = await readStat(opts.procStat ?? '/proc/stat');
  if (!rapl && !stat)
    warn('neither RAPL nor /proc/stat is readable: CPU modelled at full load of the cores held');
  const cpu = { joules: 0, modelled: false };
  let lastT = now();
  let seq = 0;
  let first = true;
  const smi = { reads: 0, failures: 0 };

  async function readRapl(zs: RaplZone[]): Promise<number[] | null> {
    try {
      const uj = await Promise.all(
        zs.map(async (z) => Number((await readFile(z.energyPath, 'utf8')).trim())),
      );
      return uj.every((x) => Number.isFinite(x) && x >= 0) ? uj : null;
    } catch {
      return null;
    }
  }

  async function readStat(path: string): Promise<CpuTimes | null> {
    try {
      return parseProcStat(await readFile(path, 'utf8'));
    } catch {
      return null;
    }
  }

  /** The job's share of CPU energy since the last reading: RAPL while it reads, else the model. */
  async function readCpu(dtS: number): Promise<{ joules: number; method: MeterMethod } | null> {
    const prevRapl = rapl;
    const prevStat = stat;
    rapl = zones && prevRapl ? await readRapl(zones) : null;
    stat = await readStat(opts.procStat ?? '/proc/stat');
    if (first) return null;
    if (prevRapl && rapl) {
      const uj = zones!.reduce(
        (sum, z, i) => sum + raplDeltaUj(prevRapl[i]!, rapl![i]!, z.maxUj),
        0,
      );
      return { joules: (uj / 1e6) * share, method: 'rapl' };
    }
    if (zones && prevRapl) warn('RAPL stopped reading mid-run: CPU modelled from then on');
    // The model is linear, so power at the interval's mean utilisation is the interval's mean power.
    const util = prevStat && stat ? utilisation(prevStat, stat) : null;
    if (prevStat && stat && util === null) return { joules: 0, method: 'modelled' };
    return { joules: modelledPackageW(opts.cpu, util ?? 1) * dtS * share, method: 'modelled' };
  }

  async function tick(): Promise<MeterSample> {
    const t = now();
    const dtS = Math.max(0, (t - lastT) / 1000);
    lastT = t;
    const [readings, cpuPart] = await Promise.all([
      gpus.length ? querySamples(fields, { program, gpus }).catch(() => null) : Promise.resolve([]),
      readCpu(dtS).catch(() => null),
    ]);
    first = false;
    if (gpus.length) smi.reads++;
    if (readings === null && smi.failures++ === 0)
      warn(`nvidia-smi first failed to answer at ${new Date(t).toISOString()}`);
    const mine = (readings ?? []).filter((r) => gpus.includes(r.gpu));
    gpuReadings.push(...mine);
    if (cpuPart) {
      cpu.joules += cpuPart.joules;
      if (cpuPart.method === 'modelled') cpu.modelled = true;
    }
    const sampleGpus = gpus.map((index) => {
      const r = mine.find((m) => m.gpu === index);
      return {
        index,
        powerW: r?.instantW ?? r?.drawW ?? null,
        util: r?.utilizationPct ?? null,
        memoryMiB: r?.memoryUsedMiB ?? null,
      };
    });
    const cpuMethod: MeterMethod = cpuPart?.method ?? (rapl ? 'rapl' : 'modelled');
    const sample: MeterSample = {
      seq: seq++,
      at: new Date(t).toISOString(),
      gpus: sampleGpus,
      cpuW: cpuPart && dtS > 0 ? cpuPart.joules / dtS : null,
      method: mine.length
        ? mine.length === gpus.length && mine.every((m) => m.energyMj !== undefined)
          ? 'nvml-energy'
          : 'nvml-power'
        : cpuMethod,
    };
    try {
      await opts.onSample(sample);
    } catch {
      // The sink (a spool) is not the meter's business; a failing one must not stop metering.
    }
    return sample;
  }

  // Readings are serialised: a slow nvidia-smi delays the next tick rather than overlapping it.
  let chain: Promise<unknown> = Promise.resolve();
  const enqueue = (): Promise<MeterSample> => {
    const next = chain.then(tick);
    chain = next.catch(() => undefined);
    return next;
  };

  await enqueue();

  let timer: NodeJS.Timeout | null = null;
  let stopping: Promise<AttemptEnergy> | null = null;
  const schedule = () => {
    timer = setTimeout(() => {
      void enqueue()
        .catch(() => undefined)
        .then(() => {
          if (!stopping) schedule();
        });
    }, opts.intervalMs);
    timer.unref();
  };
  schedule();

  function totals(): AttemptEnergy {
    if (smi.failures)
      warn(
        `nvidia-smi failed ${smi.failures} of ${smi.reads} readings; GPU energy covers the readings it answered` +
          ' (a counter delta spans a gap; integrated power bridges it with a straight line)',
      );
    const devices: DeviceEnergy[] = [];
    for (const gpu of gpus) {
      const mine = gpuReadings.filter((r) => r.gpu === gpu);
      if (mine.length < 2) {
        warn(`gpu${gpu}: fewer than two readings, so no energy is reported for it`);
        continue;
      }
      const e = summarizeGpu(mine, gpu, opts.maxGpuW ?? 2000);
      devices.push({ device: `gpu${gpu}`, kWh: e.joules / J_PER_KWH, method: e.method });
    }
    if (share > 0) {
      devices.push(
        cpu.modelled || !zones
          ? {
              device: 'cpu',
              kWh: cpu.joules / J_PER_KWH,
              method: 'modelled',
              errorBand: MODELLED_CPU_ERROR_BAND,
            }
          : { device: 'cpu', kWh: cpu.joules / J_PER_KWH, method: 'rapl' },
      );
    }
    const methods = [...new Set(devices.map((d) => d.method))];
    return {
      itKWh: devices.reduce((s, d) => s + d.kWh, 0),
      method: methods.length === 1 ? methods[0]! : methods.length === 0 ? 'modelled' : 'mixed',
      devices,
    };
  }

  return {
    sampleNow: enqueue,
    warnings,
    stop() {
      stopping ??= (async () => {
        if (timer) clearTimeout(timer);
        await enqueue().catch(() => undefined);
        return totals();
      })();
      return stopping;
    },
  };
}

/**
 * The meter of an attempt on virtual devices: the same samples and totals as a real one, every
 * figure modelled from {@link modelledJobW} over the time between the first and the last reading.
 */
async function startModelledMeter(opts: MeterOptions, virtual: VirtualDevices): Promise<Meter> {
  const now = opts.now ?? monotonicClock();
  const power = modelledJobW(virtual, opts.cpu.coresHeld);
  const t0 = now();
  let last = t0;
  let seq = 0;
  let chain: Promise<unknown> = Promise.resolve();

  const tick = async (): Promise<MeterSample> => {
    last = Math.max(last, now());
    const sample: MeterSample = {
      seq: seq++,
      at: new Date(last).toISOString(),
      gpus: power.gpus.map((g) => ({
        index: g.index,
        powerW: g.watts,
        util: null,
        memoryMiB: null,
      })),
      cpuW: power.cpuW,
      method: 'modelled',
    };
    try {
      await opts.onSample(sample);
    } catch {
      // As in startMeter: a failing sink must not stop metering.
    }
    return sample;
  };
  const enqueue = (): Promise<MeterSample> => {
    const next = chain.then(tick);
    chain = next.catch(() => undefined);
    return next;
  };
  await enqueue();

  let stopping: Promise<AttemptEnergy> | null = null;
  let timer: NodeJS.Timeout | null = null;
  const schedule = () => {
    timer = setTimeout(() => {
      void enqueue().then(() => {
        if (!stopping) schedule();
      });
    }, opts.intervalMs);
    timer.unref();
  };
  schedule();

  const totals = (): AttemptEnergy => {
    const hours = (last - t0) / 3_600_000;
    const devices: DeviceEnergy[] = power.gpus.map((g) => ({
      device: `gpu${g.index}`,
      kWh: (g.watts * hours) / 1000,
      method: 'modelled',
      errorBand: VIRTUAL_GPU_ERROR_BAND,
    }));
    if (power.cpuW > 0)
      devices.push({
        device: 'cpu',
        kWh: (power.cpuW * hours) / 1000,
        method: 'modelled',
        errorBand: MODELLED_CPU_ERROR_BAND,
      });
    return { itKWh: devices.reduce((s, d) => s + d.kWh, 0), method: 'modelled', devices };
  };

  return {
    sampleNow: enqueue,
    warnings: [],
    stop() {
      stopping ??= (async () => {
        if (timer) clearTimeout(timer);
        await enqueue().catch(() => undefined);
        return totals();
      })();
      return stopping;
    },
  };
}

function monotonicClock(): () => number {
  const t0 = Date.now();
  const p0 = performance.now();
  return () => t0 + (performance.now() - p0);
}
