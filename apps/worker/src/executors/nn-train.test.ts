import { readFileSync } from 'node:fs';

import { backendReport, BUILTIN_DATASETS, loadModel, seedDemoData } from '@wattwise/nn-core';
import { NN_BUILTIN_DATASETS } from '@wattwise/api/payloads';
import { describe, expect, it } from 'vitest';

import type { ExecutorResult } from './child';
import type { NnTrainOutput, NnTrainProgress } from './nn-train';
import { startNnTrain } from './nn-train';

const baseEnv = { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR };

const seedDemoSpec = {
  kind: 'dense',
  inputs: 2,
  layers: [{ type: 'dense', units: 1, activation: 'sigmoid' }],
  loss: 'binaryCrossentropy',
  optimizer: { type: 'sgd', learningRate: 1 },
} as const;

function exited(r: ExecutorResult) {
  if (r.kind !== 'exited')
    throw new Error(`expected the child to run, got ${r.kind}: ${r.message}`);
  return r;
}

/** Whether a process runs; a zombie (killed, not yet reaped) does not. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('nn-train executor', () => {
  it('knows the same built-in datasets as nn-core', () => {
    expect([...NN_BUILTIN_DATASETS].sort()).toEqual(Object.keys(BUILTIN_DATASETS).sort());
  });

  it('trains on seed-demo well past the majority baseline, reporting every epoch', async () => {
    const samples = 400;
    const seed = 1;
    const epochs = 12;
    // The baseline from the data itself: the share of the commoner label among the same samples.
    const data = seedDemoData({ size: samples, seed });
    const ones = Array.from(data.y).filter((v) => v === 1).length;
    const baseline = Math.max(ones, samples - ones) / samples;
    // Label 0 only below x1 + x2 = 0.5: 12.5 % of the unit square, so about 87.5 % are 1.
    expect(baseline).toBeCloseTo(0.875, 1);

    const progress: NnTrainProgress[] = [];
    const r = exited(
      await startNnTrain(
        {
          spec: seedDemoSpec,
          dataset: { type: 'builtin', name: 'seed-demo', samples, seed },
          epochs,
          batchSize: 10,
          validationSplit: 0.25,
          seed,
        },
        { baseEnv, onProgress: (p) => progress.push(p) },
      ).result,
    );
    expect(r.error).toBeUndefined();
    expect(r.exitCode).toBe(0);
    const out = r.output as NnTrainOutput;

    expect(progress.map((p) => p.epoch)).toEqual(Array.from({ length: epochs }, (_, i) => i + 1));
    for (const p of progress) {
      expect(p.epochs).toBe(epochs);
      expect(p.history.map((h) => h.epoch)).toEqual(
        Array.from({ length: p.epoch }, (_, i) => i + 1),
      );
      expect(p.samplesPerSecond).toBeGreaterThan(0);
    }
    expect(progress[epochs - 1]!.loss).toBeLessThan(progress[0]!.loss);

    expect(out.baseline).toEqual({ accuracy: baseline, majorityClass: 1 });
    expect(out.dataset).toMatchObject({ samples, trainSamples: 300, validationSamples: 100 });
    expect(out.metrics.epochs).toBe(epochs);
    expect(out.metrics.valAccuracy).toBeGreaterThan(baseline + 0.05);
    expect(out.history).toHaveLength(epochs);
    // Exact FLOPs per sample (nn-core's rules), one sigmoid unit on 2 inputs: forward 4 (multiply-adds)
    // + 1 (bias) + 4 (sigmoid) = 9, backward 3 (sigmoid') + 1 (bias) + 4 (weights) = 8.
    expect(out.metrics.params).toBe(3);
    expect(out.metrics.trainingFlops).toBe(epochs * 300 * (2 * 2 + 1 + 4 + (3 + 1 + 2 * 2)));
    // The backend report: the one used is the best that loaded.
    expect(out.backend.used).toBe(
      out.backend.chosen === 'tensorflow-gpu' ? 'tensorflow' : out.backend.chosen,
    );
    expect(out.backend.backends.find((b) => b.loaded)?.name).toBe(out.backend.chosen);
    // The model comes back whole: it loads, with the spec's shapes.
    expect(out.modelBytes).toBeGreaterThan(0);
    await backendReport();
    const model = loadModel(out.model);
    expect(model.tfModel.getWeights().map((w) => w.shape)).toEqual([[2, 1], [1]]);
    model.dispose();
    // What a person reads: one line per epoch in the output tail, no JSON.
    expect(r.outputTail).toMatch(/^epoch 12\/12, loss /m);
    expect(r.outputTail).not.toContain('{"type"');
  });

  it('trains on an inline CSV with class names', async () => {
    // Class "hi" exactly when x > 0.5: a single softmax layer separates it.
    const rows = Array.from({ length: 40 }, (_, i) => {
      const x = i / 40;
      return `${x},${(i * 7) % 5},${x > 0.5 ? 'hi' : 'lo'}`;
    });
    const r = exited(
      await startNnTrain(
        {
          spec: {
            kind: 'dense',
            inputs: 2,
            layers: [{ type: 'dense', units: 2, activation: 'softmax' }],
            loss: 'categoricalCrossentropy',
          },
          dataset: {
            type: 'csv',
            csv: `x,noise,label\n${rows.join('\n')}\n`,
            label: 'label',
            categorical: true,
          },
          epochs: 2,
          learningRate: 0.1,
        },
        { baseEnv },
      ).result,
    );
    expect(r.error).toBeUndefined();
    const out = r.output as NnTrainOutput;
    expect(out.dataset).toMatchObject({
      type: 'csv',
      samples: 40,
      inputs: 2,
      outputs: 2,
      featureNames: ['x', 'noise'],
      classes: ['hi', 'lo'],
    });
    // 19 of 40 have x > 0.5 (i = 21…39): "lo" is the commoner class.
    expect(out.baseline).toEqual({ accuracy: 21 / 40, majorityClass: 1 });
    expect(out.model?.spec.optimizer).toMatchObject({ type: 'sgd', learningRate: 0.1 });
  });

  it('stops on cancel within 5 s, the whole child gone', async () => {
    let first!: () => void;
    const started = new Promise<void>((resolve) => (first = resolve));
    const handle = startNnTrain(
      {
        spec: seedDemoSpec,
        dataset: { type: 'builtin', name: 'seed-demo', samples: 2000 },
        epochs: 10_000,
        batchSize: 10,
      },
      { baseEnv, onProgress: () => first() },
    );
    await started;
    const t0 = performance.now();
    handle.stop('cancel');
    const r = exited(await handle.result);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r).toMatchObject({ stoppedBy: 'cancel', signal: 'SIGTERM' });
    expect(r.output).toBeUndefined();
    expect(alive(handle.pid!)).toBe(false);
  });

  it('refuses a bad payload without starting anything, naming the field', async () => {
    const r = await startNnTrain(
      {
        spec: { ...seedDemoSpec, inputs: 3 },
        dataset: { type: 'builtin', name: 'seed-demo' },
        epochs: 0,
      },
      { baseEnv },
    ).result;
    expect(r).toMatchObject({ kind: 'spawn-failed', code: 'EINVAL', retryable: false });
    const message = r.kind === 'spawn-failed' ? r.message : '';
    expect(message).toMatch(/^invalid nn-train payload: /);
    expect(message).toContain('spec.inputs: must be 2: the seed-demo dataset has 2 inputs');
    expect(message).toMatch(/epochs: /);
  });

  it('refuses a CSV with a bad row in the child (exit 2), naming the line and field', async () => {
    const r = exited(
      await startNnTrain(
        {
          spec: seedDemoSpec,
          dataset: { type: 'csv', csv: 'a,b,y\n0.1,0.2,0\n0.3,oops,1\n', label: 'y' },
        },
        { baseEnv },
      ).result,
    );
    expect(r.exitCode).toBe(2);
    expect(r.output).toBeUndefined();
    expect(r.error).toEqual({
      field: 'dataset.csv',
      message: 'dataset.csv: line 3, field "b": "oops" is not a number',
    });
  });
});
