// TensorFlow.js gradients of a model built from a spec, through the forward pass training uses, checked against the float64 reference and
// against central finite differences, on every backend that loads here.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { backendReport } from './backends';
import { lossFunction } from './losses';
import { buildModel, forward } from './model';
import type { RefNet } from './reference/dense';
import { gradients, numericGradients } from './reference/dense';
import { flatten, maxRelativeError, randomBatch, randomNet } from './reference/fixtures';
import type { Activation } from './spec/dense';
import { activations } from './spec/dense';
import type { Loss } from './spec/training';

/** The network's gradients as TensorFlow.js computes them, in the reference's layout (W is units × inputs). */
function tfGradients(net: RefNet & { loss: Loss }, xs: number[][], ys: number[][], inputs: number) {
  const model = buildModel({
    kind: 'dense',
    inputs,
    layers: net.layers.map((l) => ({
      type: 'dense',
      units: l.biases.length,
      activation: l.activation,
    })),
    loss: net.loss,
  });
  try {
    const vars = model.variables.flatMap((v) => [v.kernel, v.bias!]);
    const { weights, biases, loss } = tf.tidy(() => {
      net.layers.forEach((l, i) => {
        vars[2 * i]!.assign(tf.transpose(tf.tensor2d(l.weights)));
        vars[2 * i + 1]!.assign(tf.tensor1d(l.biases));
      });
      const x = tf.tensor2d(xs);
      const y = tf.tensor2d(ys);
      const { value, grads } = tf.variableGrads(
        () => lossFunction(net.loss)(y, forward(model, x)),
        vars,
      );
      const g = vars.map((v) => grads[v.name]!);
      return {
        loss: value.dataSync()[0]!,
        weights: net.layers.map((_, i) => tf.transpose(g[2 * i]!).arraySync() as number[][]),
        biases: net.layers.map((_, i) => g[2 * i + 1]!.arraySync() as number[]),
      };
    });
    return { loss, weights, biases };
  } finally {
    model.dispose();
  }
}

const cases: { hidden: Activation; output: Activation; loss: Loss }[] = [
  ...activations.map((a) => ({ hidden: a, output: a, loss: 'mse' as const })),
  ...activations.map((a) => ({
    hidden: a,
    output: 'sigmoid' as const,
    loss: 'binaryCrossentropy' as const,
  })),
  ...activations.map((a) => ({
    hidden: a,
    output: 'softmax' as const,
    loss: 'categoricalCrossentropy' as const,
  })),
];

describe.each(['wasm', 'cpu'])('gradients on %s', (backend) => {
  let previous: string;
  beforeAll(async () => {
    await backendReport();
    previous = tf.getBackend();
    expect(await tf.setBackend(backend)).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend(previous);
  });

  it.each(cases)(
    'hidden $hidden, output $output, $loss: TensorFlow.js = reference = finite differences',
    ({ hidden, output, loss }) => {
      const seed =
        activations.indexOf(hidden) * 10 +
        (loss === 'mse' ? 1 : loss === 'binaryCrossentropy' ? 2 : 3);
      const net = randomNet({ sizes: [4, 6, 5, 3], hidden, output, loss, seed }) as RefNet & {
        loss: Loss;
      };
      const { xs, ys } = randomBatch({ inputs: 4, outputs: 3, size: 7, loss, seed: seed + 1000 });
      const before = tf.memory().numTensors;

      const fromTf = tfGradients(net, xs, ys, 4);
      const reference = gradients(net, xs, ys);
      const numeric = numericGradients(net, xs, ys);

      expect(tf.memory().numTensors).toBe(before);
      expect(fromTf.loss).toBeCloseTo(reference.loss, 5);
      expect(maxRelativeError(flatten(fromTf), flatten(reference))).toBeLessThan(1e-4);
      expect(maxRelativeError(flatten(fromTf), flatten(numeric))).toBeLessThan(1e-4);
      expect(maxRelativeError(flatten(reference), flatten(numeric))).toBeLessThan(1e-6);
    },
  );
});
