import { readFileSync } from 'node:fs';

import type { SeedDemoResult } from '@wattwise/nn-core';
import type { WorkedExample } from '@wattwise/nn-core/reference';
import { workedExample } from '@wattwise/nn-core/reference';
import type { Account, DenseAccount, ModelSpec, TransformerAccount } from '@wattwise/nn-core/spec';
import { account, parseModelSpec, sixND, SpecError } from '@wattwise/nn-core/spec';
import { InvalidArgumentError, type Command } from 'commander';

import { CliError } from '../errors';

const usage = (message: string) => new CliError(message, 2);

/** Whole numbers from `min` to `max`, refused by the flag's name otherwise. */
function integer(flag: string, min: number, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || n < min || n > max)
      throw new InvalidArgumentError(`${flag} must be a whole number from ${min} to ${max}`);
    return n;
  };
}

const SUFFIX: Record<string, number> = { k: 1e3, K: 1e3, M: 1e6, B: 1e9, G: 1e9, T: 1e12 };

/** "300e9", "300B", "1.5T" → a positive number; anything else is refused by the flag's name. */
function amount(flag: string) {
  return (value: string) => {
    const m = /^\s*(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*([kKMBGT])?\s*$/i.exec(value);
    const n = m ? Number(m[1]! + (m[2] ?? '')) * (m[3] ? SUFFIX[m[3]]! : 1) : NaN;
    if (!Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`${flag} must be a number above 0 (e.g. 300e9, 300B)`);
    return n;
  };
}

/** Float64 noise off (2.2000000000000006 → 2.2) for people and for JSON alike. */
const clean = (v: number) => Number(v.toPrecision(12));
const int = (v: number) => v.toLocaleString('en');
const short = (v: number) => String(Number(v.toPrecision(4)));
const sci = (v: number) => (Math.abs(v) >= 1e7 ? v.toExponential(3) : int(v));
const bytes = (b: number) => {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  while (b >= 1000 && i < units.length - 1) {
    b /= 1000;
    i++;
  }
  return `${Number(b.toPrecision(4))} ${units[i]}`;
};
const billions = (v: number) => (v >= 1e9 ? ` (${Number((v / 1e9).toPrecision(4))} B)` : '');

function mapValues<T extends Record<string, unknown>>(o: T, f: (v: number) => number): T {
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => [
      k,
      typeof v === 'number' ? f(v) : v && typeof v === 'object' ? mapValues(v as T, f) : v,
    ]),
  ) as T;
}

/** The worked example with float64 noise rounded away (12 significant digits). */
export function cleanWorkedExample(): WorkedExample {
  return mapValues(workedExample(), clean);
}

export function formatWorkedExample(w: WorkedExample): string {
  const g = w.given;
  const rows: [string, string, number][] = [
    ['z1', 'w11·x1 + w12·x2 + b1', w.z1],
    ['a1', 'relu(z1)', w.a1],
    ['z2', 'w21·a1 + b2', w.z2],
    ['ŷ', 'relu(z2)', w.yHat],
    ['E', '½(y − ŷ)²', w.E],
    ['δ2', "∂E/∂z2 = (ŷ − y)·relu'(z2)", w.delta2],
    ['δ1', "∂E/∂z1 = δ2·w21·relu'(z1)", w.delta1],
    ['∂E/∂w21', 'δ2·a1', w.gradients.w21],
    ['∂E/∂b2', 'δ2', w.gradients.b2],
    ['∂E/∂w11', 'δ1·x1', w.gradients.w11],
    ['∂E/∂w12', 'δ1·x2', w.gradients.w12],
    ['∂E/∂b1', 'δ1', w.gradients.b1],
  ];
  const lines = [
    'One step of gradient descent on a 2-1-1 ReLU network, loss E = ½(y − ŷ)²',
    `given: x1 = ${g.x1}, x2 = ${g.x2}, y = ${g.y}; w11 = ${g.w11}, w12 = ${g.w12}, b1 = ${g.b1}; ` +
      `w21 = ${g.w21}, b2 = ${g.b2}; η = ${g.learningRate}`,
    '',
    ...rows.map(([name, formula, v]) => `${name.padEnd(8)} ${formula.padEnd(27)} ${clean(v)}`),
    '',
    `updated (w ← w − η·∂E/∂w):`,
    ...(['w11', 'w12', 'b1', 'w21', 'b2'] as const).map(
      (k) =>
        `${k.padEnd(8)} ${`${g[k]} − ${g.learningRate}·${clean(w.gradients[k])}`.padEnd(27)} ${clean(w.updated[k])}`,
    ),
    '',
    `E after the step: ${clean(w.EAfter)} (was ${clean(w.E)})`,
  ];
  return lines.join('\n') + '\n';
}

export function formatSeedDemo(r: SeedDemoResult): string {
  const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
  const { w1, w2, b } = r.boundary;
  const opt = r.spec.optimizer;
  const losses: string[] = [];
  for (let i = 0; i < r.lossPerEpoch.length; i += 10) {
    const row = r.lossPerEpoch.slice(i, i + 10).map((l) => l.toFixed(4));
    losses.push(`  ${String(i + 1).padStart(5)}: ${row.join(' ')}`);
  }
  return (
    [
      `seed demo: ${r.trainSize} points uniform in [0, 1]², label 1 when x1 + x2 > 0.5;`,
      `one sigmoid unit, binary cross-entropy, SGD (η = ${opt.learningRate}); ${r.epochs} epochs, seed ${r.seed}, backend ${r.backend}`,
      '',
      'loss per epoch (training points):',
      ...losses,
      '',
      `accuracy on ${int(r.testSize)} fresh points: ${pct(r.accuracy)}`,
      `majority-class baseline:        ${pct(r.baseline.accuracy)} (always answering ${r.baseline.majorityClass})`,
      `  high because ${r.baseline.why}`,
      `decision boundary w1·x1 + w2·x2 + b = 0 with w1 = ${short(w1)}, w2 = ${short(w2)}, b = ${short(b)}`,
      `  crosses the diagonal x1 = x2 at ${(-b / (w1 + w2)).toFixed(3)}; the true line x1 + x2 = 0.5 at 0.25`,
    ].join('\n') + '\n'
  );
}

/** Reads and validates a spec file; every failure is bad usage naming --spec. */
export function readSpec(file: string): ModelSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw usage(`--spec ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw usage(`--spec ${file}: not JSON (${(err as Error).message})`);
  }
  try {
    return parseModelSpec(json);
  } catch (err) {
    if (err instanceof SpecError) throw usage(`--spec ${file}: ${err.message}`);
    throw err;
  }
}

export type FlopsOptions = {
  tokens?: number;
  samples?: number;
  batchSize?: number;
  bytesPerValue?: number;
};

export type FlopsReport = {
  spec: ModelSpec;
  account: Account;
  /** With --tokens (transformer) or --samples (dense): the whole run's training FLOPs. */
  run?: { tokens?: number; samples?: number; sixND: number; flops: number };
};

export function flopsReport(spec: ModelSpec, opts: FlopsOptions): FlopsReport {
  if (spec.kind === 'dense' && opts.tokens !== undefined)
    throw usage('--tokens is for transformer specs; give a dense network --samples');
  if (spec.kind === 'transformer' && opts.samples !== undefined)
    throw usage('--samples is for dense specs; give a transformer --tokens');
  const a = account(spec, {
    ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
    ...(opts.bytesPerValue !== undefined ? { bytesPerValue: opts.bytesPerValue } : {}),
  });
  const report: FlopsReport = { spec, account: a };
  if (a.kind === 'transformer' && opts.tokens !== undefined) {
    report.run = {
      tokens: opts.tokens,
      sixND: sixND(a.params.total, opts.tokens),
      flops: a.flopsPerToken.training * opts.tokens,
    };
  }
  if (a.kind === 'dense' && opts.samples !== undefined) {
    report.run = {
      samples: opts.samples,
      sixND: sixND(a.params, opts.samples),
      flops: a.trainingFlopsPerSample * opts.samples,
    };
  }
  return report;
}

function formatMemory(m: DenseAccount['memory'], optimizer: string, note = ''): string[] {
  return [
    `memory at batch ${m.batchSize}, ${m.bytesPerValue} bytes per value, ${optimizer}:`,
    `  weights ${bytes(m.weights)}, gradients ${bytes(m.gradients)}, optimizer state ${bytes(m.optimizerState)}, ` +
      `activations ${bytes(m.activations)}${note}; total ${bytes(m.total)}`,
  ];
}

function formatDense(spec: ModelSpec & { kind: 'dense' }, a: DenseAccount): string[] {
  const head = ['layer', 'shape', 'activation', 'params', 'forward', 'backward'];
  const rows = a.layers.map((l) => [
    String(l.index + 1),
    `${l.inputs}→${l.units}`,
    l.activation,
    int(l.params),
    int(l.forward.total),
    int(l.backward.total),
  ]);
  rows.push([
    'total',
    '',
    '',
    int(a.params),
    int(a.forwardFlopsPerSample),
    int(a.backwardFlopsPerSample),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    `dense network${spec.name ? ` "${spec.name}"` : ''}: ${spec.inputs} inputs, ${spec.layers.length} layers, loss ${spec.loss}`,
    'FLOPs per sample (multiply-add = 2; bias 1 per unit; activations by their formula, exp = 1):',
    line(head),
    ...rows.map(line),
    `training FLOPs per sample: ${int(a.trainingFlopsPerSample)} exactly; 6 × parameters = ${int(a.approxTrainingFlopsPerSample)}`,
    ...formatMemory(a.memory, spec.optimizer.type),
  ];
}

function formatTransformer(
  spec: ModelSpec & { kind: 'transformer' },
  a: TransformerAccount,
): string[] {
  const p = a.params;
  const f = a.flopsPerToken;
  return [
    `transformer${spec.name ? ` "${spec.name}"` : ''}: ${spec.layers} layers, dModel ${int(spec.dModel)}, ` +
      `${spec.heads} heads, dFf ${int(a.dFf)}, vocabulary ${int(spec.vocabSize)}, context ${int(spec.contextLength)}`,
    `parameters            ${int(p.total).padStart(19)}${billions(p.total)}`,
    `  per layer           ${int(p.perLayer.total).padStart(19)} (attention ${int(p.perLayer.attention)}, ` +
      `feed-forward ${int(p.perLayer.feedForward)}, layer norms ${int(p.perLayer.layerNorms)})`,
    `  token embedding     ${int(p.tokenEmbedding).padStart(19)}`,
    `  position embedding  ${int(p.positionEmbedding).padStart(19)}`,
    `  output projection   ${int(p.outputProjection).padStart(19)}${spec.tiedEmbeddings ? ' (tied to the token embedding)' : ''}`,
    `  non-embedding       ${int(p.nonEmbedding).padStart(19)} (12·L·d² rule: ${int(p.approxNonEmbedding)})`,
    'FLOPs per token (Kaplan et al. 2020):',
    `  forward without attention  ${sci(f.forwardWithoutAttention)}`,
    `  attention (QKᵀ and A·V)    ${sci(f.attention)}`,
    `  forward                    ${sci(f.forward)}`,
    `  training (3 × forward)     ${sci(f.training)} (${sci(f.trainingWithoutAttention)} without attention)`,
    ...formatMemory(a.memory, 'Adam', ' (16-bit, Korthikanti et al. 2022)'),
  ];
}

export function formatFlops(r: FlopsReport): string {
  const lines =
    r.spec.kind === 'dense'
      ? formatDense(r.spec, r.account as DenseAccount)
      : formatTransformer(r.spec, r.account as TransformerAccount);
  if (r.run) {
    const what =
      r.run.tokens !== undefined ? `${sci(r.run.tokens)} tokens` : `${sci(r.run.samples!)} samples`;
    lines.push(
      `training run of ${what}: 6·N·D = ${sci(r.run.sixND)} FLOPs; counted above × ${r.run.tokens !== undefined ? 'tokens' : 'samples'} = ${sci(r.run.flops)}`,
    );
  }
  return lines.join('\n') + '\n';
}

function out(text: string) {
  process.stdout.write(text);
}

/** `wattwise nn …`: accounting, the worked example and the seed demo, offline. */
export function registerNnCommand(program: Command): void {
  const nn = program
    .command('nn')
    .description(
      'neural networks: parameter and FLOP accounting, the worked example, the seed demo',
    );

  nn.command('worked-example')
    .description('one SGD step of a 2-1-1 ReLU network, every intermediate value')
    .option('--json', 'print one JSON object')
    .action((opts: { json?: boolean }) => {
      const w = cleanWorkedExample();
      out(opts.json ? `${JSON.stringify(w, null, 2)}\n` : formatWorkedExample(w));
    });

  nn.command('seed-demo')
    .description('train one sigmoid unit on x1 + x2 > 0.5 and compare it with the majority class')
    .option('--epochs <n>', 'training epochs (1-100000)', integer('--epochs', 1, 100_000), 100)
    .option(
      '--seed <n>',
      'seed for the data, weights and shuffles',
      integer('--seed', 0, 2 ** 31 - 1),
      1,
    )
    .option('--json', 'print one JSON object')
    .action(async (opts: { epochs: number; seed: number; json?: boolean }) => {
      // Loaded only here: TensorFlow.js takes a moment to import and the other nn commands need none.
      const { backendReport, runSeedDemo } = await import('@wattwise/nn-core');
      await backendReport();
      const r = await runSeedDemo({ epochs: opts.epochs, seed: opts.seed });
      const { history: _history, ...result } = r;
      out(opts.json ? `${JSON.stringify(result, null, 2)}\n` : formatSeedDemo(r));
    });

  nn.command('flops')
    .description('parameters, FLOPs and memory of a model spec (dense network or transformer)')
    // Checked in the action rather than as a required option, so that a misspelt option is
    // reported as such instead of as a missing --spec.
    .option('--spec <file>', 'JSON model spec (required)')
    .option(
      '--tokens <n>',
      'transformer: training tokens, for the run total (e.g. 300B)',
      amount('--tokens'),
    )
    .option(
      '--samples <n>',
      'dense: samples trained on in all (data × epochs)',
      amount('--samples'),
    )
    .option(
      '--batch-size <n>',
      'batch for the memory figure (default 1)',
      integer('--batch-size', 1, 1e9),
    )
    .option(
      '--bytes-per-value <n>',
      'bytes per stored value (default 4)',
      integer('--bytes-per-value', 1, 16),
    )
    .option('--json', 'print one JSON object')
    .action((opts: FlopsOptions & { spec?: string; json?: boolean }) => {
      if (!opts.spec) throw usage("required option '--spec <file>' not specified");
      const report = flopsReport(readSpec(opts.spec), opts);
      out(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatFlops(report));
    });
}
