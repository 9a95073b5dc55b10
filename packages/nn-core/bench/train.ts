/*
 * Training throughput of two MLPs on every TensorFlow.js backend that loads, with the stock kernels
 * and with ours (the wasm BatchMatMul override), through the same `train` the package exports.
 *
 *   pnpm --filter @wattwise/nn-core bench [--json FILE]
 *
 * Each configuration warms up on one batch, then trains three one-epoch runs of a fixed number of
 * batches, stock and ours taking turns; the figure is the median of the three. GFLOP/s is
 * 6 × parameters × samples / s. Then it takes a step of the small MLP apart to show where its time goes.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

import * as tf from '@tensorflow/tfjs';

import { backendReport } from '../src/backends';
import { datasetFromRows } from '../src/data/dataset';
import type { Dataset } from '../src/data/dataset';
import { createRandom } from '../src/data/random';
import { setFastWasmMatMul } from '../src/kernels/wasm-matmul';
import { buildModel } from '../src/model';
import { makeOptimizer } from '../src/optimizers';
import { denseAccount } from '../src/spec/accounting';
import type { DenseNetSpec } from '../src/spec/network';
import { denseNetSpec } from '../src/spec/network';
import { createTrainStep, train } from '../src/train';

type Net = { name: string; spec: DenseNetSpec; batchSize: number; params: number };

const large = denseNetSpec.parse({
  kind: 'dense',
  name: '784→512→512→10',
  inputs: 784,
  layers: [
    { type: 'dense', units: 512, activation: 'relu' },
    { type: 'dense', units: 512, activation: 'relu' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
  loss: 'categoricalCrossentropy',
  optimizer: { type: 'sgd', learningRate: 0.01 },
});
const small = denseNetSpec.parse({
  kind: 'dense',
  name: '2→16→16→1',
  inputs: 2,
  layers: [
    { type: 'dense', units: 16, activation: 'relu' },
    { type: 'dense', units: 16, activation: 'relu' },
    { type: 'dense', units: 1, activation: 'sigmoid' },
  ],
  loss: 'binaryCrossentropy',
  optimizer: { type: 'sgd', learningRate: 0.05 },
});
const NETS: Net[] = [
  { name: large.name!, spec: large, batchSize: 128, params: denseAccount(large).params },
  { name: small.name!, spec: small, batchSize: 32, params: denseAccount(small).params },
];

/** Batches per timed run: few where a step is slow (stock wasm and plain JS on the large net). */
function batchesPerRun(net: Net, backend: string, kernels: Kernels): number {
  if (net.spec === small) return 300;
  if (backend === 'cpu') return 1;
  if (backend === 'wasm' && kernels === 'stock') return 3;
  return 20;
}

type Kernels = 'stock' | 'ours';

/** Random inputs and labels of the right shape: throughput does not depend on what is learnt. */
function syntheticData(net: Net, samples: number): Dataset {
  const r = createRandom(7);
  const outputs = net.spec.layers[net.spec.layers.length - 1]!.units;
  const xs = Array.from({ length: samples }, () =>
    Array.from({ length: net.spec.inputs }, () => r.next()),
  );
  const ys = Array.from({ length: samples }, () => {
    const hot = r.int(Math.max(2, outputs));
    return outputs === 1 ? [hot] : Array.from({ length: outputs }, (_, k) => (k === hot ? 1 : 0));
  });
  return datasetFromRows(net.name, xs, ys);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

type Figures = { samplesPerSecond: number; gflops: number; ratioToStock: number; runs: number[] };

type Row = {
  backend: string;
  kernels: Kernels;
  net: string;
  batchSize: number;
  params: number;
  batchesPerRun: number;
  /** Medians of three runs, by the wall clock and by this process's CPU time. */
  wall: Figures;
  cpu: Figures;
};

/** This process's CPU time in ms: what the work costs, whatever else the machine is running. */
const cpuClock = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * One epoch of `train` over `batches` batches: samples per second of wall time and per second of
 * this process's CPU time (the same on an idle machine, as the backends here run on one thread).
 */
async function run(net: Net, batches: number): Promise<{ wall: number; cpu: number }> {
  const data = syntheticData(net, batches * net.batchSize);
  let wall = 0;
  const wallClock = () => performance.now();
  // train() times its epoch with the clock it is given; read the wall clock at the same moments.
  const both = () => {
    wall = wallClock();
    return cpuClock();
  };
  let wallStarted = 0;
  const { model, history } = await train(net.spec, data, {
    epochs: 1,
    batchSize: net.batchSize,
    clock: () => {
      const c = both();
      if (wallStarted === 0) wallStarted = wall;
      return c;
    },
  });
  model.dispose();
  const e = history[0]!;
  return { wall: e.samples / ((wall - wallStarted) / 1000), cpu: e.samplesPerSecond };
}

/**
 * Runs stock and ours in turn, three times, after a one-batch warm-up of each: on a shared machine
 * the load drifts, and interleaving lets both variants see the same drift.
 */
async function measure(backend: string, net: Net): Promise<Row[]> {
  // Our kernels replace only wasm's BatchMatMul; elsewhere there is only the stock backend.
  const variants: Kernels[] = backend === 'wasm' ? ['stock', 'ours'] : ['stock'];
  const use = (k: Kernels) => backend === 'wasm' && setFastWasmMatMul(k === 'ours');
  for (const k of variants) {
    use(k);
    await run(net, 1);
  }
  const runs = new Map<Kernels, { wall: number; cpu: number }[]>(variants.map((k) => [k, []]));
  for (let rep = 0; rep < 3; rep++) {
    for (const k of variants) {
      use(k);
      runs.get(k)!.push(await run(net, batchesPerRun(net, backend, k)));
    }
  }
  const figures = (k: Kernels, clock: 'wall' | 'cpu'): Figures => {
    const of = (v: Kernels) => runs.get(v)!.map((r) => r[clock]);
    const samplesPerSecond = median(of(k));
    return {
      samplesPerSecond,
      gflops: (6 * net.params * samplesPerSecond) / 1e9,
      ratioToStock: samplesPerSecond / median(of('stock')),
      runs: of(k),
    };
  };
  return variants.map((kernels) => ({
    backend,
    kernels,
    net: net.name,
    batchSize: net.batchSize,
    params: net.params,
    batchesPerRun: batchesPerRun(net, backend, kernels),
    wall: figures(kernels, 'wall'),
    cpu: figures(kernels, 'cpu'),
  }));
}

/**
 * Where a small-MLP step goes: its CPU time, the kernels it launches, what launching the cheapest
 * kernel costs, and how long its arithmetic would take at the rate the large net reaches.
 */
async function breakdown(net: Net, gflops: number) {
  const model = buildModel(net.spec);
  const optimizer = makeOptimizer(net.spec.optimizer);
  const step = createTrainStep(model, optimizer);
  const data = syntheticData(net, net.batchSize);
  const x = tf.tensor2d(data.x, [net.batchSize, net.spec.inputs]);
  const y = tf.tensor2d(data.y, [net.batchSize, 1]);
  const once = () => {
    const { loss, correct } = step(x, y);
    loss.dispose();
    correct?.dispose();
  };
  for (let i = 0; i < 50; i++) once();
  const steps = 500;
  let started = cpuClock();
  for (let i = 0; i < steps; i++) once();
  const stepUs = ((cpuClock() - started) / steps) * 1000;
  const profile = await tf.profile(once);
  const counts = new Map<string, number>();
  for (const k of profile.kernels) counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
  const a = tf.scalar(1);
  const n = 5000;
  started = cpuClock();
  for (let i = 0; i < n; i++) tf.add(a, a).dispose();
  const launchUs = ((cpuClock() - started) / n) * 1000;
  tf.dispose([a, x, y]);
  optimizer.dispose();
  model.dispose();
  const flops = 6 * net.params * net.batchSize;
  return {
    stepUs,
    kernels: profile.kernels.length,
    launchUs,
    flopsPerStep: flops,
    arithmeticUs: (flops / (gflops * 1e9)) * 1e6,
    mostLaunched: [...counts.entries()].sort((p, q) => q[1] - p[1]).slice(0, 8),
  };
}

const fmt = (v: number, digits = 3) => v.toLocaleString('en', { maximumSignificantDigits: digits });

async function main() {
  const jsonAt = process.argv.indexOf('--json');
  const jsonFile = jsonAt > 0 ? process.argv[jsonAt + 1] : undefined;
  const report = await backendReport();
  const loaded = report.backends
    .filter((b) => b.loaded)
    .map((b) => (b.name === 'tensorflow-gpu' ? 'tensorflow' : b.name));
  const backends = [...new Set(loaded)];
  console.log(
    `backends that load: ${backends.join(', ')}; not loaded: ${report.backends
      .filter((b) => !b.loaded)
      .map((b) => `${b.name} (${b.reason})`)
      .join('; ')}`,
  );
  const started = performance.now();
  const rows: Row[] = [];
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} on ${cpus().length} cores; ` +
      'figures: median of 3, wall clock | per CPU-second of this process',
  );
  for (const backend of backends) {
    if (!(await tf.setBackend(backend)))
      throw new Error(`tf.setBackend('${backend}') returned false`);
    for (const net of NETS) {
      for (const row of await measure(backend, net)) {
        rows.push(row);
        const cell = (f: Figures) =>
          `${fmt(f.samplesPerSecond).padStart(7)} samples/s ${fmt(f.gflops).padStart(6)} GFLOP/s ×${fmt(f.ratioToStock).padEnd(5)}`;
        console.log(
          `${backend.padEnd(6)} ${row.kernels.padEnd(5)} ${net.name.padEnd(15)} batch ${String(net.batchSize).padStart(3)}` +
            `  ${cell(row.wall)} | ${cell(row.cpu)}`,
        );
      }
    }
  }
  setFastWasmMatMul(true);

  const target = rows.find(
    (r) => r.backend === 'wasm' && r.kernels === 'ours' && r.net === large.name,
  );
  if (target)
    console.log(
      `\nlarge MLP on wasm, ours vs stock (target ≥ 8): ×${fmt(target.wall.ratioToStock)} by the wall clock, ` +
        `×${fmt(target.cpu.ratioToStock)} by CPU time`,
    );

  console.log(
    `\nwhere a step of the small MLP goes (${small.name}, batch 32, SGD, binary cross-entropy):`,
  );
  const breakdowns = [];
  for (const backend of backends) {
    await tf.setBackend(backend);
    const best = rows.filter((r) => r.backend === backend && r.net === large.name);
    const gflops = Math.max(...best.map((r) => r.cpu.gflops));
    const b = await breakdown(NETS[1]!, gflops);
    breakdowns.push({ backend, ...b });
    console.log(
      `${backend.padEnd(6)} ${fmt(b.stepUs)} CPU µs per step; ${b.kernels} kernel launches × ${fmt(b.launchUs)} µs ` +
        `(an empty scalar add) = ${fmt(b.kernels * b.launchUs)} µs; its ${fmt(b.flopsPerStep)} FLOPs would take ` +
        `${fmt(b.arithmeticUs, 2)} µs at the large net's ${fmt(gflops)} GFLOP/s (${fmt((100 * b.arithmeticUs) / b.stepUs, 2)} % of the step)`,
    );
    console.log(`       most launched: ${b.mostLaunched.map(([k, c]) => `${k} ×${c}`).join(', ')}`);
  }
  console.log(`\ntotal ${fmt((performance.now() - started) / 1000)} s`);
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ rows, breakdowns }, null, 2));
}

await main();
