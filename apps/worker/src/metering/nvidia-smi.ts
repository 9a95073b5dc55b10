import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

import type { MeterMethod } from './energy';
import { counterEnergy, integratePower } from './energy';

/**
 * What a sample asks nvidia-smi for, in this order. `total_energy_consumption` (mJ since driver
 * load, Volta and newer) is what bills rest on; the power fields feed charts and the fallback.
 */
export const SAMPLE_FIELDS = [
  'timestamp',
  'index',
  'total_energy_consumption',
  'power.draw.instant',
  'power.draw.average',
  'power.draw',
  'utilization.gpu',
  'memory.used',
] as const;
type Field = (typeof SAMPLE_FIELDS)[number];
const REQUIRED: readonly Field[] = ['timestamp', 'index'];

export type GpuSample = {
  gpu: number;
  /** nvidia-smi's own timestamp, in ms; only differences are used. */
  tMs: number;
  energyMj?: number;
  instantW?: number;
  averageW?: number;
  drawW?: number;
  utilizationPct?: number;
  memoryUsedMiB?: number;
};

const KEYS: Partial<Record<Field, keyof GpuSample>> = {
  total_energy_consumption: 'energyMj',
  'power.draw.instant': 'instantW',
  'power.draw.average': 'averageW',
  'power.draw': 'drawW',
  'utilization.gpu': 'utilizationPct',
  'memory.used': 'memoryUsedMiB',
};

/** `2026/11/28 21:54:31.860` → ms. Read as UTC: the machine's zone cancels out of differences. */
export function parseTimestamp(text: string): number | null {
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms] = m;
  return Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!, Number((ms ?? '0').padEnd(3, '0')));
}

/** One line of `--query-gpu=<fields> --format=csv,noheader,nounits`; null for anything else. */
export function parseSampleLine(line: string, fields: readonly Field[]): GpuSample | null {
  const parts = line.split(',').map((p) => p.trim());
  if (parts.length !== fields.length) return null;
  const at = (f: Field) => parts[fields.indexOf(f)];
  const tMs = parseTimestamp(at('timestamp') ?? '');
  const gpu = Number(at('index'));
  if (tMs === null || !Number.isInteger(gpu)) return null;
  const sample: GpuSample = { gpu, tMs };
  for (const f of fields) {
    const key = KEYS[f];
    const value = Number(at(f));
    if (key && at(f) !== '' && Number.isFinite(value)) (sample[key] as number) = value;
  }
  return sample;
}

/** Where to find nvidia-smi and which GPUs to ask about; every field optional. */
export type SmiOptions = { env?: NodeJS.ProcessEnv; program?: string; gpus?: readonly number[] };

const idArgs = (gpus?: readonly number[]) => (gpus?.length ? [`--id=${gpus.join(',')}`] : []);

/** stdout, or null when the program is missing, fails, or hangs (a wedged driver) past 10 s. */
function runSmi(args: string[], opts: SmiOptions = {}): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      opts.program ?? 'nvidia-smi',
      args,
      { env: opts.env, timeout: 10_000 },
      (err, stdout) => resolve(err ? null : stdout),
    );
  });
}

/**
 * The optional fields this driver answers with a number (older drivers lack `power.draw.instant`).
 * A field counts when any of the GPUs asked about answers it: on a machine that mixes GPU
 * generations the others answer `[N/A]`, which the parser leaves out of their samples.
 */
export async function supportedFields(opts: SmiOptions = {}): Promise<Field[]> {
  const fields: Field[] = [...REQUIRED];
  for (const f of SAMPLE_FIELDS) {
    if (REQUIRED.includes(f)) continue;
    const out = await runSmi(
      [`--query-gpu=${f}`, '--format=csv,noheader,nounits', ...idArgs(opts.gpus)],
      opts,
    );
    const lines = out?.split('\n').map((l) => l.trim()) ?? [];
    if (lines.some((l) => l !== '' && Number.isFinite(Number(l)))) fields.push(f);
  }
  return SAMPLE_FIELDS.filter((f) => fields.includes(f));
}

/** One reading of every GPU asked about; null when nvidia-smi cannot be run or fails. */
export async function querySamples(
  fields: readonly Field[],
  opts: SmiOptions = {},
): Promise<GpuSample[] | null> {
  const out = await runSmi(
    [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits', ...idArgs(opts.gpus)],
    opts,
  );
  if (out === null) return null;
  return out
    .split('\n')
    .map((line) => parseSampleLine(line, fields))
    .filter((s): s is GpuSample => s !== null);
}

/** Streams samples from `nvidia-smi -lms` until stopped. */
export class NvidiaSampler {
  readonly samples: GpuSample[] = [];
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly fields: readonly Field[],
  ) {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const s = parseSampleLine(line, fields);
      if (s) this.samples.push(s);
    });
    this.exited = new Promise((ok) => child.once('close', () => ok()));
  }

  static async start(opts: SmiOptions & { intervalMs: number }) {
    const fields = await supportedFields(opts);
    const args = [
      `--query-gpu=${fields.join(',')}`,
      '--format=csv,noheader,nounits',
      `-lms=${opts.intervalMs}`,
      ...idArgs(opts.gpus),
    ];
    const child = spawn(opts.program ?? 'nvidia-smi', args, {
      env: opts.env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return new NvidiaSampler(child, fields);
  }

  async stop(): Promise<GpuSample[]> {
    this.child.kill('SIGTERM');
    await this.exited;
    return this.samples;
  }
}

export type GpuEnergy = {
  gpu: number;
  /** The billing figure: counter delta where the GPU has one, else integrated power. */
  joules: number;
  method: MeterMethod;
  samples: number;
  windowSeconds: number;
  counter: { joules: number; resets: number; wraps: number } | null;
  /** Integrals of each power field over the same samples, for comparison. */
  integrated: { instant?: number; average?: number; draw?: number };
};

/** Energy of one GPU over the samples' window, by counter and by each power field. */
export function summarizeGpu(
  samples: readonly GpuSample[],
  gpu: number,
  maxPowerW = 2000,
): GpuEnergy {
  const mine = samples.filter((s) => s.gpu === gpu).sort((a, b) => a.tMs - b.tMs);
  const windowSeconds = mine.length > 1 ? (mine.at(-1)!.tMs - mine[0]!.tMs) / 1000 : 0;
  const readings = mine.map((s) => s.energyMj);
  const counter =
    readings.length > 1 && readings.every((r) => r !== undefined)
      ? counterEnergy(readings as number[], {
          width: 2 ** 64,
          maxStepMj: maxPowerW * 1000 * Math.max(1, windowSeconds),
        })
      : null;
  const integral = (key: 'instantW' | 'averageW' | 'drawW') =>
    mine.every((s) => s[key] !== undefined) && mine.length > 1
      ? integratePower(mine.map((s) => ({ tMs: s.tMs, watts: s[key]! })))
      : undefined;
  const integrated = {
    instant: integral('instantW'),
    average: integral('averageW'),
    draw: integral('drawW'),
  };
  const fallback = integrated.instant ?? integrated.draw ?? integrated.average ?? 0;
  return {
    gpu,
    joules: counter ? counter.joules : fallback,
    method: counter ? 'nvml-energy' : 'nvml-power',
    samples: mine.length,
    windowSeconds,
    counter,
    integrated,
  };
}
