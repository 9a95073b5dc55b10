/**
 * Checks GPU energy metering on real hardware: runs a square-wave load (gpu-check/square-wave)
 * while sampling nvidia-smi, then compares the energy counter's delta with the integral of each
 * power field over the same samples. Prints one JSON report; exits 1 when instant power and the
 * counter disagree by more than the tolerance.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

import { Command } from 'commander';

import { NvidiaSampler, summarizeGpu } from './metering/nvidia-smi';
import type { GpuSample } from './metering/nvidia-smi';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const int = (v: string) => Number.parseInt(v, 10);

const opts = new Command()
  .name('wattwise-gpu-check')
  .requiredOption('--load <path>', 'the square-wave load binary')
  .requiredOption('--ptx <path>', 'the kernel it runs (burn.ptx)')
  .option('--gpu <index>', 'GPU to load and meter', int, 0)
  .option('--cycles <n>', 'on/off cycles', int, 15)
  .option('--on-ms <ms>', 'length of each busy phase', int, 1000)
  .option('--off-ms <ms>', 'length of each idle phase', int, 1000)
  .option('--interval-ms <ms>', 'nvidia-smi sampling interval', int, 100)
  .option('--settle-ms <ms>', 'idle time metered before and after the load', int, 3000)
  .option('--tolerance-pct <pct>', 'largest accepted disagreement', Number, 5)
  .parse()
  .opts<{
    load: string;
    ptx: string;
    gpu: number;
    cycles: number;
    onMs: number;
    offMs: number;
    intervalMs: number;
    settleMs: number;
    tolerancePct: number;
  }>();

type Phase = { event: string; t: number };

async function runLoad(): Promise<Phase[]> {
  const child = spawn(
    opts.load,
    [opts.ptx, opts.cycles, opts.onMs, opts.offMs, opts.gpu].map(String),
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const phases: Phase[] = [];
  createInterface({ input: child.stdout }).on('line', (l) => phases.push(JSON.parse(l) as Phase));
  const code = await new Promise<number | null>((ok) => child.once('close', ok));
  if (code !== 0) throw new Error(`${opts.load} exited with ${code}`);
  return phases;
}

/** Mean instant (or plain) power over the samples inside the given wall-clock spans. */
function meanPower(
  samples: GpuSample[],
  spans: [number, number][],
  offsetMs: number,
): number | null {
  const inside = samples.filter((s) =>
    spans.some(([a, b]) => s.tMs - offsetMs >= a && s.tMs - offsetMs <= b),
  );
  const w = inside.map((s) => s.instantW ?? s.drawW).filter((x): x is number => x !== undefined);
  return w.length ? w.reduce((a, b) => a + b, 0) / w.length : null;
}

const pct = (x: number | undefined, ref: number) =>
  x === undefined ? null : ((x - ref) / ref) * 100;

async function main() {
  const identity = execFileSync('nvidia-smi', [
    `--id=${opts.gpu}`,
    '--query-gpu=name,driver_version,power.limit',
    '--format=csv,noheader',
  ])
    .toString()
    .trim();
  const sampler = await NvidiaSampler.start({ intervalMs: opts.intervalMs, gpus: [opts.gpu] });
  await sleep(opts.settleMs);
  const phases = await runLoad();
  await sleep(opts.settleMs);
  const samples = await sampler.stop();
  const energy = summarizeGpu(samples, opts.gpu);
  if (!energy.counter) throw new Error('this GPU has no energy counter: nothing to compare with');

  // nvidia-smi stamps samples in the machine's local time; the load stamps UTC epoch ms.
  const quarterHour = 15 * 60_000;
  const offsetMs = Math.round((samples.at(-1)!.tMs - Date.now()) / quarterHour) * quarterHour;
  const spans = (from: string, to: string): [number, number][] =>
    phases
      .filter((p) => p.event === from)
      .map((p) => {
        const end = phases.find((q) => q.event === to && q.t >= p.t)?.t ?? p.t;
        // Skip the first and last 200 ms of each phase, where power is still ramping.
        return [p.t + 200, end - 200];
      });
  const counterJ = energy.counter.joules;
  const diffs = {
    instant: pct(energy.integrated.instant, counterJ),
    average: pct(energy.integrated.average, counterJ),
    draw: pct(energy.integrated.draw, counterJ),
  };
  const pass = diffs.instant !== null && Math.abs(diffs.instant) <= opts.tolerancePct;
  const report = {
    gpu: opts.gpu,
    identity,
    fields: sampler.fields,
    load: { cycles: opts.cycles, onMs: opts.onMs, offMs: opts.offMs },
    samples: energy.samples,
    windowSeconds: energy.windowSeconds,
    counter: energy.counter,
    integratedJ: energy.integrated,
    differencePctVsCounter: diffs,
    meanPowerW: {
      on: meanPower(samples, spans('on', 'off'), offsetMs),
      off: meanPower(samples, spans('off', 'on'), offsetMs),
    },
    tolerancePct: opts.tolerancePct,
    pass,
  };
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  process.exitCode = pass ? 0 : 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`gpu-check: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
