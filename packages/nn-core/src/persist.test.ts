import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { backendReport } from './backends';
import { gaussianBlobsData } from './data/builtin';
import { datasetFromRows } from './data/dataset';
import { loadModel, saveModel } from './persist';
import { predict } from './predict';
import { train } from './train';

beforeAll(async () => {
  await backendReport();
});

describe('saveModel / loadModel', () => {
  it('round-trips spec and weights through JSON text: same predictions, no leaks', async () => {
    const data = gaussianBlobsData({ size: 60, seed: 1 });
    const { model } = await train(
      {
        kind: 'dense',
        inputs: 2,
        layers: [
          { type: 'dense', units: 5, activation: 'tanh' },
          { type: 'dense', units: 4, activation: 'relu', useBias: false },
          { type: 'dense', units: 3, activation: 'softmax' },
        ],
        loss: 'categoricalCrossentropy',
        optimizer: { type: 'adam', learningRate: 0.01 },
      },
      data,
      { epochs: 2 },
    );
    const before = tf.memory().numTensors;
    const text = JSON.stringify(await saveModel(model));
    const loaded = loadModel(JSON.parse(text));
    expect(loaded.spec).toEqual(model.spec);
    const probe = [
      [0.1, -0.3],
      [2, 1],
    ];
    expect(await predict(loaded, probe)).toEqual(await predict(model, probe));
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('refuses files that do not match their spec, leaking nothing', async () => {
    const spec = {
      kind: 'dense' as const,
      inputs: 2,
      layers: [{ type: 'dense' as const, units: 1 }],
    };
    const data = datasetFromRows(
      'tiny',
      [
        [0, 1],
        [1, 0],
      ],
      [[1], [0]],
    );
    const { model } = await train(spec, data, { epochs: 1 });
    const saved = await saveModel(model);
    model.dispose();
    const before = tf.memory().numTensors;
    expect(() => loadModel({ ...saved, format: 'other' })).toThrow(/not a saved model: format/);
    expect(() => loadModel({ ...saved, weights: saved.weights.slice(1) })).toThrow(
      /2 weight tensors, the file 1/,
    );
    expect(() =>
      loadModel({ ...saved, weights: [{ ...saved.weights[0]!, shape: [1, 2] }, saved.weights[1]] }),
    ).toThrow(/shape 1×2, the spec needs 2×1/);
    expect(() =>
      loadModel({ ...saved, weights: [{ shape: [2, 1], values: btoa('abcd') }, saved.weights[1]] }),
    ).toThrow(/holds 1 values/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
