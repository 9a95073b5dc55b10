import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { backendReport } from './backends';
import { gaussianBlobsData, twoSpiralsData, xorData } from './data/builtin';
import { datasetFromRows } from './data/dataset';
import { evaluate, predict } from './predict';
import type { DenseNetSpecInput } from './spec/network';
import { train } from './train';

const xorSpec: DenseNetSpecInput = {
  kind: 'dense',
  inputs: 2,
  layers: [
    { type: 'dense', units: 8, activation: 'tanh' },
    { type: 'dense', units: 1, activation: 'sigmoid' },
  ],
  loss: 'binaryCrossentropy',
  optimizer: { type: 'adam', learningRate: 0.05 },
  seed: 3,
};

beforeAll(async () => {
  await backendReport();
});

describe('train', () => {
  it('learns XOR, reports every epoch with samples/s, and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    const data = xorData({ size: 200, seed: 1 });
    const seen: number[] = [];
    const { model, history, stoppedEarly, bestEpoch, backend } = await train(xorSpec, data, {
      epochs: 40,
      batchSize: 20,
      onProgress: (s) => seen.push(s.epoch),
    });
    expect(backend).toBe(tf.getBackend());
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(stoppedEarly).toBe(false);
    expect(bestEpoch).toBe(40);
    for (const h of history) {
      expect(h.samples).toBe(200);
      expect(h.samplesPerSecond).toBeGreaterThan(0);
      expect(h.seconds).toBeGreaterThan(0);
    }
    expect(history[39]!.loss).toBeLessThan(history[0]!.loss / 4);
    expect(history[39]!.accuracy).toBe(1);

    const out = await predict(model, [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    expect(out.map((r) => Math.round(r[0]!))).toEqual([0, 1, 1, 0]);
    const inUse = tf.memory().numTensors;
    await predict(model, [[0.5, 0.5]]);
    await evaluate(model, data);
    expect(tf.memory().numTensors).toBe(inUse);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('repeats exactly for a seed', async () => {
    const data = xorData({ size: 60, seed: 2 });
    const run = async () => {
      const r = await train(xorSpec, data, { epochs: 3, batchSize: 16 });
      r.model.dispose();
      return r.history.map((h) => h.loss);
    };
    expect(await run()).toEqual(await run());
  });

  it('separates three blobs with softmax and categorical cross-entropy, validating on a held-out split', async () => {
    const data = gaussianBlobsData({ size: 300, classes: 3, seed: 4 });
    const { model, history } = await train(
      {
        kind: 'dense',
        inputs: 2,
        layers: [
          { type: 'dense', units: 16, activation: 'relu' },
          { type: 'dense', units: 3, activation: 'softmax' },
        ],
        loss: 'categoricalCrossentropy',
        optimizer: { type: 'adam', learningRate: 0.02 },
      },
      data,
      { epochs: 20, batchSize: 32, validationSplit: 0.2 },
    );
    const last = history[history.length - 1]!;
    expect(last.samples).toBe(240);
    expect(last.valAccuracy).toBeGreaterThan(0.9);
    expect(last.valLoss).toBeLessThan(history[0]!.valLoss!);
    model.dispose();
  });

  it('fits a regression with mse and each optimizer', async () => {
    // y = 2·x1 − x2 + 0.5, exactly linear: a linear unit can reach ~0 loss.
    const xs = Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
    const data = datasetFromRows(
      'line',
      xs,
      xs.map(([a, b]) => [2 * a! - b! + 0.5]),
    );
    for (const optimizer of [
      { type: 'sgd', learningRate: 0.1 },
      { type: 'momentum', learningRate: 0.05 },
      { type: 'adam', learningRate: 0.05 },
      { type: 'rmsprop', learningRate: 0.02 },
    ] as const) {
      const { model, history } = await train(
        { kind: 'dense', inputs: 2, layers: [{ type: 'dense', units: 1 }], loss: 'mse', optimizer },
        data,
        { epochs: 60, batchSize: 16 },
      );
      expect(history[0]!.accuracy).toBeUndefined();
      expect(history[history.length - 1]!.loss, optimizer.type).toBeLessThan(0.01);
      model.dispose();
    }
  });

  it('stops early when the monitored loss stops falling, and restores the best weights', async () => {
    const before = tf.memory().numTensors;
    const data = twoSpiralsData({ size: 100, seed: 5 });
    // A huge learning rate makes the loss bounce, so patience 2 runs out long before 200 epochs.
    const spec = { ...xorSpec, optimizer: { type: 'sgd', learningRate: 50 } } as const;
    const opts = { batchSize: 10, validationSplit: 0.3 };
    const { model, history, stoppedEarly, bestEpoch } = await train(spec, data, {
      ...opts,
      epochs: 200,
      earlyStopping: { patience: 2 },
    });
    expect(stoppedEarly).toBe(true);
    const best = Math.min(...history.map((h) => h.valLoss!));
    expect(history[bestEpoch - 1]!.valLoss).toBe(best);
    expect(history.length).toBe(bestEpoch + 2);
    // Training is deterministic for a seed: a run of bestEpoch epochs ends on the restored weights.
    const again = await train(spec, data, { ...opts, epochs: bestEpoch });
    const weights = (m: typeof model) =>
      m.tfModel.getWeights().map((w) => Array.from(w.dataSync()));
    expect(weights(model)).toEqual(weights(again.model));
    model.dispose();
    again.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops when the signal aborts, rejecting with its reason and leaking nothing', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const epochs: number[] = [];
    const run = train(xorSpec, xorData({ size: 100 }), {
      epochs: 1000,
      batchSize: 10,
      signal: controller.signal,
      onProgress: (s) => {
        epochs.push(s.epoch);
        if (s.epoch === 2) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(epochs).toEqual([1, 2]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops mid-epoch on an abort from a timer', async () => {
    const before = tf.memory().numTensors;
    const data = xorData({ size: 20_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('enough')), 100);
    const started = performance.now();
    await expect(
      train(xorSpec, data, { epochs: 1, batchSize: 4, signal: controller.signal }),
    ).rejects.toThrow('enough');
    // 5,000 steps take seconds; the abort lands within about one yield (50 ms) of the timer.
    expect(performance.now() - started).toBeLessThan(1500);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses data that does not fit the spec, bad options and transformer specs', async () => {
    const data = xorData({ size: 10 });
    await expect(train({ ...xorSpec, inputs: 3 }, data)).rejects.toThrow(
      /2 inputs per sample, the spec 3/,
    );
    await expect(train(xorSpec, data, { batchSize: 0 })).rejects.toThrow(/batchSize/);
    await expect(train(xorSpec, data, { validationSplit: 1 })).rejects.toThrow(/validationSplit/);
    await expect(
      train(
        { kind: 'transformer', layers: 1, dModel: 4, heads: 1, vocabSize: 5, contextLength: 3 },
        data,
      ),
    ).rejects.toThrow(/accounting only/);
    await expect(train(xorSpec, data, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});
