import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { backendReport } from './backends';
import { buildModel, forward } from './model';
import { maxRelativeError } from './reference/fixtures';
import type { DenseNetSpecInput } from './spec/network';

beforeAll(async () => {
  await backendReport();
});

describe('buildModel', () => {
  it('builds the layers of the spec with seeded weights', () => {
    const spec: DenseNetSpecInput = {
      kind: 'dense',
      inputs: 3,
      layers: [
        { type: 'dense', units: 4, activation: 'relu' },
        { type: 'dense', units: 2, activation: 'softmax', useBias: false },
      ],
      seed: 11,
    };
    const a = buildModel(spec);
    const b = buildModel(spec);
    const c = buildModel({ ...spec, seed: 12 });
    try {
      expect(a.tfModel.getWeights().map((w) => w.shape)).toEqual([[3, 4], [4], [4, 2]]);
      expect(a.variables.map((v) => v.bias === null)).toEqual([false, true]);
      expect(a.tfModel.countParams()).toBe(3 * 4 + 4 + 4 * 2);
      const values = (m: typeof a) => m.tfModel.getWeights().map((w) => Array.from(w.dataSync()));
      expect(values(b)).toEqual(values(a));
      expect(values(c)[0]).not.toEqual(values(a)[0]);
      // Biases start at zero.
      expect(values(a)[1]).toEqual([0, 0, 0, 0]);
    } finally {
      [a, b, c].forEach((m) => m.dispose());
    }
  });

  it('computes the same outputs as the Layers model, without leaking', () => {
    const m = buildModel({
      kind: 'dense',
      inputs: 5,
      layers: [
        { type: 'dense', units: 7, activation: 'tanh' },
        { type: 'dense', units: 6, activation: 'sigmoid' },
        { type: 'dense', units: 3, activation: 'softmax' },
      ],
      seed: 2,
    });
    const x = tf.randomNormal([9, 5], 0, 1, 'float32', 3) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const [ours, layers] = tf.tidy(() => [
      forward(m, x).dataSync() as Float32Array,
      (m.tfModel.predict(x) as tf.Tensor).dataSync() as Float32Array,
    ]);
    expect(tf.memory().numTensors).toBe(before);
    expect(maxRelativeError(ours!, layers!)).toBeLessThan(1e-6);
    x.dispose();
    m.dispose();
  });

  it('refuses a transformer spec', () => {
    expect(() =>
      buildModel({
        kind: 'transformer',
        layers: 1,
        dModel: 4,
        heads: 1,
        vocabSize: 5,
        contextLength: 3,
      } as never),
    ).toThrow(/accounting only/);
  });
});
