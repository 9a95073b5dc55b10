import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  buildCluster,
  DEFAULT_NODE_POWER,
  policyPreset,
  simulate,
  workloadFromJobs,
} from '@wattwise/scheduler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { parseVirtualGpus } from '../machine';
import type { MeterSample } from './meter';
import {
  MODELLED_CPU_ERROR_BAND,
  parseProcStat,
  raplDeltaUj,
  startMeter,
  utilisation,
  VIRTUAL_GPU_ERROR_BAND,
} from './meter';

const J_PER_KWH = 3_600_000;
const T0 = Date.UTC(2026, 10, 28, 10, 0, 0);

/**
 * A fake nvidia-smi. A one-field query (startup's probe of what the driver answers) prints
 * `probe.<field>` when the test wrote one, else 42 for every GPU; a full query prints `frame.<n>`,
 * n = 0, 1, 2, … one per call, and fails like a wedged driver once the frames run out. Every
 * command line goes to `calls`.
 */
const FAKE_SMI = `#!/bin/sh
d=$(dirname "$0")
echo "$*" >> "$d/calls"
q=\${*#*--query-gpu=}
q=\${q%% *}
case "$q" in
  *,*)
    n=$(cat "$d/n" 2>/dev/null || echo 0)
    [ -f "$d/frame.$n" ] || { echo "Unable to determine the device handle for GPU 0: Unknown Error" >&2; exit 15; }
    echo $((n + 1)) > "$d/n"
    cat "$d/frame.$n" ;;
  *)
    if [ -f "$d/probe.$q" ]; then cat "$d/probe.$q"; else echo 42; fi ;;
esac
`;

/** One line in SAMPLE_FIELDS order: timestamp, index, energy (mJ), instant, average, draw (W), util (%), memory (MiB). */
function line(
  sec: number,
  gpu: number,
  energyMj: number | '[N/A]',
  watts: number,
  util: number,
  memMiB: number,
) {
  const two = (n: number) => String(n).padStart(2, '0');
  const ts = `2026/11/28 10:${two(Math.floor(sec / 60))}:${two(sec % 60)}.000`;
  return `${ts}, ${gpu}, ${energyMj}, ${watts.toFixed(2)}, ${watts.toFixed(2)}, ${watts.toFixed(2)}, ${util}, ${memMiB}`;
}

let dir: string;
let smiDir: string;
let smi: string;
let powercap: string;
let procStat: string;
let clock: number;
const now = () => clock;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'meter-'));
  smiDir = join(dir, 'smi');
  mkdirSync(smiDir);
  smi = join(smiDir, 'nvidia-smi');
  writeFileSync(smi, FAKE_SMI);
  chmodSync(smi, 0o755);
  powercap = join(dir, 'powercap');
  procStat = join(dir, 'stat');
  clock = T0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const frames = (...fs: string[][]) =>
  fs.forEach((f, i) => writeFileSync(join(smiDir, `frame.${i}`), f.join('\n') + '\n'));
const calls = () =>
  existsSync(join(smiDir, 'calls'))
    ? readFileSync(join(smiDir, 'calls'), 'utf8').trim().split('\n')
    : [];

/** A powercap tree: zones `name` → { energy_uj, max_energy_range_uj }. */
function zone(name: string, energyUj: number, maxUj: number) {
  mkdirSync(join(powercap, name), { recursive: true });
  writeFileSync(join(powercap, name, 'energy_uj'), `${energyUj}\n`);
  writeFileSync(join(powercap, name, 'max_energy_range_uj'), `${maxUj}\n`);
}

/** /proc/stat with the aggregate line and one per-CPU line, which must be ignored. */
function stat(user: number, system: number, idle: number, iowait: number, guest: number) {
  writeFileSync(
    procStat,
    `cpu  ${user} 0 ${system} ${idle} ${iowait} 0 0 0 ${guest} 0\ncpu0 1 1 1 1 1 0 0 0 0 0\nintr 1 2 3\n`,
  );
}

const MAX0 = 262_143_328_850; // max_energy_range_uj of a Xeon package
const MAX1 = 65_532_610_987; // … and of a smaller part

describe('startMeter with two GPUs, one without an energy counter, and RAPL', () => {
  it('bills the counter across a reset, integrates the other GPU, and takes the held share of RAPL across a wrap', async () => {
    writeFileSync(join(smiDir, 'probe.total_energy_consumption'), '1000000\n[N/A]\n');
    frames(
      [line(0, 0, 1_000_000, 250, 50, 1000), line(0, 1, '[N/A]', 100, 10, 500)],
      [line(1, 0, 1_200_000, 200, 90, 2000), line(1, 1, '[N/A]', 300, 90, 600)],
      // gpu0's driver reloaded: its counter restarted from zero.
      [line(2, 0, 50_000, 200, 90, 2000), line(2, 1, '[N/A]', 300, 90, 600)],
      [line(3, 0, 250_000, 200, 90, 2000), line(3, 1, '[N/A]', 100, 0, 600)],
    );
    // Package zones, a sub-zone (core, part of package 0) and an unrelated zone that must be ignored.
    const readings = [
      { p0: 10_000_000, p1: MAX1 - 50_000_000 },
      { p0: 110_000_000, p1: 50_000_000 }, // package 1 wrapped: 50 J to the top, 50 J after
      { p0: 210_000_000, p1: 150_000_000 },
      { p0: 310_000_000, p1: 250_000_000 },
    ];
    const write = (i: number) => {
      zone('intel-rapl:0', readings[i]!.p0, MAX0);
      zone('intel-rapl:1', readings[i]!.p1, MAX1);
      zone('intel-rapl:0:0', 7_000_000_000 * (i + 1), MAX0);
      zone('dtpm', 1, 1);
    };
    write(0);

    const samples: MeterSample[] = [];
    const meter = await startMeter({
      gpuIndices: [0, 1],
      intervalMs: 3_600_000, // the test takes each reading itself
      nvidiaSmi: smi,
      powercapRoot: powercap,
      procStat,
      cpu: { cores: 32, coresHeld: 8, idleW: 60, maxW: 270 },
      onSample: (s) => void samples.push(s),
      now,
    });
    for (const i of [1, 2]) {
      clock = T0 + i * 1000;
      write(i);
      await meter.sampleNow();
    }
    clock = T0 + 3000;
    write(3);
    const energy = await meter.stop();

    // gpu0 counter: 1 000 000 → 1 200 000 mJ is 200 J; after the reset 50 J; then 200 J: 450 J.
    // gpu1 instant power 100, 300, 300, 100 W a second apart, trapezoids: 200 + 300 + 200 = 700 J.
    // RAPL: each second package 0 gains 100 J, package 1 gains 100 J (the first across its wrap):
    // 600 J over 3 s, of which the job holds 8 / 32 cores: 150 J.
    expect(energy.method).toBe('mixed');
    expect(energy.devices.map((d) => [d.device, d.method, d.errorBand])).toEqual([
      ['gpu0', 'nvml-energy', undefined],
      ['gpu1', 'nvml-power', undefined],
      ['cpu', 'rapl', undefined],
    ]);
    const kWh = energy.devices.map((d) => d.kWh * J_PER_KWH);
    expect(kWh[0]).toBeCloseTo(450, 9);
    expect(kWh[1]).toBeCloseTo(700, 9);
    expect(kWh[2]).toBeCloseTo(150, 9);
    expect(energy.itKWh * J_PER_KWH).toBeCloseTo(1300, 9);

    // One sample per reading; the CPU draws 200 W a second, a quarter of it the job's.
    expect(samples.map((s) => [s.seq, s.at, s.cpuW, s.method])).toEqual([
      [0, '2026-11-28T10:00:00.000Z', null, 'nvml-power'],
      [1, '2026-11-28T10:00:01.000Z', 50, 'nvml-power'],
      [2, '2026-11-28T10:00:02.000Z', 50, 'nvml-power'],
      [3, '2026-11-28T10:00:03.000Z', 50, 'nvml-power'],
    ]);
    expect(samples[0]!.gpus).toEqual([
      { index: 0, powerW: 250, util: 50, memoryMiB: 1000 },
      { index: 1, powerW: 100, util: 10, memoryMiB: 500 },
    ]);
    expect(samples[3]!.gpus[1]).toEqual({ index: 1, powerW: 100, util: 0, memoryMiB: 600 });
    // nvidia-smi was asked about the job's GPUs only.
    expect(calls().every((c) => c.includes('--id=0,1'))).toBe(true);
    expect(meter.warnings).toEqual([]);
  });
});

describe('startMeter when nvidia-smi goes away, with the CPU modelled', () => {
  it('bills the GPU up to its last reading, labels what it measured, and never throws', async () => {
    frames([line(0, 0, 5_000_000, 300, 100, 70_000)], [line(1, 0, 5_300_000, 300, 100, 70_000)]);
    // Jiffies: user system idle iowait guest (guest is already inside user).
    stat(1000, 500, 8000, 500, 0);
    const samples: MeterSample[] = [];
    const meter = await startMeter({
      gpuIndices: [0],
      intervalMs: 3_600_000,
      nvidiaSmi: smi,
      powercapRoot: join(dir, 'no-powercap'),
      procStat,
      cpu: { cores: 16, coresHeld: 4, idleW: 50, maxW: 250 },
      onSample: (s) => void samples.push(s),
      now,
    });
    // 1 s: +600 user (300 of it guest), +150 system, +200 idle, +50 iowait: 750 of 1000 busy.
    clock = T0 + 1000;
    stat(1600, 650, 8200, 550, 300);
    await meter.sampleNow();
    rmSync(smi);
    // 2 s: all idle. 3 s: all busy.
    clock = T0 + 2000;
    stat(1600, 650, 9200, 550, 300);
    await meter.sampleNow();
    clock = T0 + 3000;
    stat(2600, 650, 9200, 550, 300);
    const energy = await meter.stop();

    // CPU: package 50 + 200 × u W, a quarter of it the job's: 200 / 4 = 50 W, 50 / 4 = 12.5 W,
    // 250 / 4 = 62.5 W for a second each.
    expect(samples.map((s) => [s.seq, s.cpuW, s.method])).toEqual([
      [0, null, 'nvml-energy'],
      [1, 50, 'nvml-energy'],
      [2, 12.5, 'modelled'],
      [3, 62.5, 'modelled'],
    ]);
    expect(samples[2]!.gpus).toEqual([{ index: 0, powerW: null, util: null, memoryMiB: null }]);
    // GPU: 5 000 000 → 5 300 000 mJ, 300 J; CPU 50 + 12.5 + 62.5 = 125 J.
    expect(energy.method).toBe('mixed');
    expect(energy.devices.map((d) => [d.device, d.method, d.errorBand])).toEqual([
      ['gpu0', 'nvml-energy', undefined],
      ['cpu', 'modelled', 0.3],
    ]);
    expect(energy.devices[0]!.kWh * J_PER_KWH).toBeCloseTo(300, 9);
    expect(energy.devices[1]!.kWh * J_PER_KWH).toBeCloseTo(125, 9);
    expect(energy.itKWh * J_PER_KWH).toBeCloseTo(425, 9);
    expect(meter.warnings.join('\n')).toMatch(/nvidia-smi failed 2 of 4 readings/);
  });

  it('reports the CPU alone when nvidia-smi is missing from the start', async () => {
    stat(0, 0, 1000, 0, 0);
    const meter = await startMeter({
      gpuIndices: [0],
      intervalMs: 3_600_000,
      nvidiaSmi: join(dir, 'missing', 'nvidia-smi'),
      powercapRoot: join(dir, 'no-powercap'),
      procStat,
      cpu: { cores: 8, coresHeld: 8, idleW: 40, maxW: 140 },
      onSample: () => {},
      now,
    });
    clock = T0 + 10_000;
    stat(500, 0, 1500, 0, 0); // half busy: 40 + 100 × 0.5 = 90 W for 10 s
    const energy = await meter.stop();
    expect(energy.method).toBe('modelled');
    expect(energy.devices).toHaveLength(1);
    expect(energy.devices[0]).toMatchObject({ device: 'cpu', method: 'modelled', errorBand: 0.3 });
    expect(energy.itKWh * J_PER_KWH).toBeCloseTo(900, 9);
    expect(meter.warnings.join('\n')).toMatch(/gpu0: fewer than two readings/);
  });
});

describe('startMeter for a CPU-only job', () => {
  it('reads RAPL, does not run nvidia-smi, and labels the samples rapl', async () => {
    zone('intel-rapl:0', 0, MAX0);
    const samples: MeterSample[] = [];
    const meter = await startMeter({
      gpuIndices: [],
      intervalMs: 3_600_000,
      nvidiaSmi: smi,
      powercapRoot: powercap,
      procStat,
      cpu: { cores: 4, coresHeld: 4, idleW: 10, maxW: 65 },
      onSample: (s) => void samples.push(s),
      now,
    });
    clock = T0 + 2000;
    zone('intel-rapl:0', 30_000_000, MAX0);
    await meter.sampleNow();
    clock = T0 + 3000;
    zone('intel-rapl:0', 90_000_000, MAX0);
    const energy = await meter.stop();
    // 30 J over 2 s, then 60 J over 1 s; the job holds every core.
    expect(samples.map((s) => [s.seq, s.cpuW, s.method, s.gpus])).toEqual([
      [0, null, 'rapl', []],
      [1, 15, 'rapl', []],
      [2, 60, 'rapl', []],
    ]);
    expect(energy).toEqual({
      itKWh: 90 / J_PER_KWH,
      method: 'rapl',
      devices: [{ device: 'cpu', kWh: 90 / J_PER_KWH, method: 'rapl' }],
    });
    expect(calls()).toEqual([]);
  });
});

describe('startMeter on its own timer', () => {
  it('streams numbered samples until stopped, whatever the sample sink does', async () => {
    // Counter +100 J and one second per frame.
    frames(
      ...Array.from({ length: 200 }, (_, i) => [line(i, 0, 1_000_000 + 100_000 * i, 100, 1, 1)]),
    );
    const samples: MeterSample[] = [];
    const meter = await startMeter({
      gpuIndices: [0],
      intervalMs: 20,
      nvidiaSmi: smi,
      powercapRoot: join(dir, 'no-powercap'),
      procStat: join(dir, 'no-stat'),
      cpu: { cores: 8, coresHeld: 0, idleW: 40, maxW: 140 },
      onSample: (s) => {
        samples.push(s);
        if (s.seq === 1) throw new Error('spool full');
      },
    });
    while (samples.length < 5) await new Promise((r) => setTimeout(r, 10));
    const energy = await meter.stop();
    const n = samples.length;
    expect(samples.map((s) => s.seq)).toEqual(Array.from({ length: n }, (_, i) => i));
    // n readings, n − 1 steps of 100 J; coresHeld 0, so no CPU device.
    expect(energy.devices).toEqual([
      { device: 'gpu0', kWh: ((n - 1) * 100) / J_PER_KWH, method: 'nvml-energy' },
    ]);
    // Stopped means stopped.
    await new Promise((r) => setTimeout(r, 60));
    expect(samples).toHaveLength(n);
    expect(await meter.stop()).toBe(energy);
  });
});

describe('CPU helpers', () => {
  it('computes utilisation from the aggregate line, idle including iowait, guest not counted twice', () => {
    const a = parseProcStat('cpu  100 0 100 700 100 0 0 0 50 0\ncpu0 9 9 9 9 9 9 9 9 9 9\n')!;
    const b = parseProcStat('cpu  200 0 100 800 100 0 0 0 90 0\n')!;
    // busy 200 → 300, total 1000 → 1200: 100 of 200 jiffies busy.
    expect(a).toEqual({ busy: 200, total: 1000 });
    expect(utilisation(a, b)).toBe(0.5);
    expect(utilisation(a, a)).toBeNull();
    expect(parseProcStat('intr 1 2')).toBeNull();
  });

  it('adds the span to the top of the range when a RAPL counter wraps', () => {
    expect(raplDeltaUj(100, 250, 1000)).toBe(150);
    expect(raplDeltaUj(900, 50, 1000)).toBe(150);
  });
});

describe('startMeter on virtual GPUs', () => {
  it("models the job's draw exactly as the simulator does, and reads nothing", async () => {
    const [t4] = parseVirtualGpus('1xT4');
    const job = { gpus: 0.5, cpuMilli: 4000, seconds: 3600 };
    const samples: MeterSample[] = [];
    const meter = await startMeter({
      gpuIndices: [0],
      intervalMs: 3_600_000,
      nvidiaSmi: smi,
      powercapRoot: powercap,
      procStat,
      cpu: { cores: 32, coresHeld: job.cpuMilli / 1000, idleW: 48, maxW: 192 },
      virtual: {
        gpus: [{ index: 0, tdpW: t4!.tdpW, idleW: t4!.idleW, share: job.gpus }],
        gpuBusyShare: DEFAULT_NODE_POWER.gpuBusyShare,
        cpuWPerCore: DEFAULT_NODE_POWER.cpuWPerCore,
      },
      onSample: (s) => void samples.push(s),
      now,
    });
    clock = T0 + (job.seconds * 1000) / 2;
    await meter.sampleNow();
    clock = T0 + job.seconds * 1000;
    const energy = await meter.stop();

    // The same job, alone on a one-T4 node, in the simulator.
    const sim = simulate({
      workload: workloadFromJobs([
        { id: 'j', submit: 0, duration: job.seconds, gpus: job.gpus, cpuMilli: job.cpuMilli },
      ]),
      cluster: buildCluster([
        { id: 'n', cpuMilli: 32_000, memoryMiB: 65_536, gpus: 1, model: 'T4' },
      ]),
      policy: policyPreset('fifo'),
      site: {
        id: 's',
        name: 's',
        currency: 'USD',
        pue: 1.2,
        tariff: { kind: 'flat', perKWh: 0.1 },
        carbon: { kind: 'constant', kgPerKWh: 0.4 },
      },
    });
    expect(energy.itKWh).toBeCloseTo(sim.perJob!.energyKWh[0]!, 12);
    // Half a T4 at TDP for an hour, and four cores at the simulator's 3 W.
    expect(energy.devices).toEqual([
      {
        device: 'gpu0',
        kWh: (0.5 * 70) / 1000,
        method: 'modelled',
        errorBand: VIRTUAL_GPU_ERROR_BAND,
      },
      {
        device: 'cpu',
        kWh: (4 * 3) / 1000,
        method: 'modelled',
        errorBand: MODELLED_CPU_ERROR_BAND,
      },
    ]);
    expect(energy.method).toBe('modelled');
    expect(samples.map((s) => s.seq)).toEqual([0, 1, 2]);
    for (const s of samples) {
      expect(s.method).toBe('modelled');
      expect(s.gpus).toEqual([{ index: 0, powerW: 35, util: null, memoryMiB: null }]);
      expect(s.cpuW).toBe(12);
    }
    expect(calls()).toEqual([]);
    expect(meter.warnings).toEqual([]);
  });
});
