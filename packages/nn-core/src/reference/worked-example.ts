import { backprop, forward, sgdStep } from './dense';
import type { RefNet } from './dense';

/*
 * One training step of a 2-1-1 ReLU network, every number by hand:
 *   given x = (1, 2), y = 0; w11 = 0.5, w12 = 0.7, b1 = 0.3; w21 = 0.3, b2 = 0.5; η = 0.1;
 *   E = ½(y − ŷ)².
 *   z1 = 0.5·1 + 0.7·2 + 0.3 = 2.2          a1 = relu(2.2) = 2.2
 *   z2 = 0.3·2.2 + 0.5 = 1.16               ŷ = relu(1.16) = 1.16
 *   E  = ½(0 − 1.16)² = ½·1.3456 = 0.6728
 *   δ2 = ∂E/∂z2 = (ŷ − y)·relu'(z2) = 1.16·1 = 1.16
 *   δ1 = ∂E/∂z1 = δ2·w21·relu'(z1) = 1.16·0.3·1 = 0.348      (with w21 before the update)
 *   ∂E/∂w21 = δ2·a1 = 2.552    ∂E/∂b2 = δ2 = 1.16
 *   ∂E/∂w11 = δ1·x1 = 0.348    ∂E/∂w12 = δ1·x2 = 0.696    ∂E/∂b1 = δ1 = 0.348
 *   w11 = 0.5 − 0.1·0.348 = 0.4652    w12 = 0.7 − 0.0696 = 0.6304    b1 = 0.3 − 0.0348 = 0.2652
 *   w21 = 0.3 − 0.2552 = 0.0448       b2 = 0.5 − 0.116 = 0.384
 *   after the step: z1 = 0.4652 + 1.2608 + 0.2652 = 1.9912; z2 = 0.0448·1.9912 + 0.384 = 0.47320576;
 *   E = ½·0.47320576² = 0.1119618456485888, down from 0.6728.
 */

export type WorkedExample = {
  given: {
    x1: number;
    x2: number;
    y: number;
    w11: number;
    w12: number;
    b1: number;
    w21: number;
    b2: number;
    learningRate: number;
  };
  z1: number;
  a1: number;
  z2: number;
  /** ŷ */
  yHat: number;
  /** E = ½(y − ŷ)² */
  E: number;
  delta2: number;
  delta1: number;
  /** ∂E/∂(each weight and bias) */
  gradients: { w11: number; w12: number; b1: number; w21: number; b2: number };
  /** Each weight and bias after one SGD step. */
  updated: { w11: number; w12: number; b1: number; w21: number; b2: number };
  /** E with the updated weights, on the same sample. */
  EAfter: number;
};

const GIVEN: WorkedExample['given'] = {
  x1: 1,
  x2: 2,
  y: 0,
  w11: 0.5,
  w12: 0.7,
  b1: 0.3,
  w21: 0.3,
  b2: 0.5,
  learningRate: 0.1,
};

/** The textbook example the portal shows, computed by the float64 reference. */
export function workedExample(): WorkedExample {
  const g = GIVEN;
  const net: RefNet = {
    loss: 'halfSquared',
    layers: [
      { weights: [[g.w11, g.w12]], biases: [g.b1], activation: 'relu' },
      { weights: [[g.w21]], biases: [g.b2], activation: 'relu' },
    ],
  };
  const x = [g.x1, g.x2];
  const b = backprop(net, x, [g.y]);
  const next = sgdStep(
    net,
    { loss: b.loss, weights: b.weightGradients, biases: b.biasGradients },
    g.learningRate,
  );
  const after = forward(next, x).a[2]![0]!;
  const [l1, l2] = next.layers as [RefNet['layers'][0], RefNet['layers'][0]];
  return {
    given: { ...g },
    z1: b.z[0]![0]!,
    a1: b.a[1]![0]!,
    z2: b.z[1]![0]!,
    yHat: b.a[2]![0]!,
    E: b.loss,
    delta2: b.deltas[1]![0]!,
    delta1: b.deltas[0]![0]!,
    gradients: {
      w11: b.weightGradients[0]![0]![0]!,
      w12: b.weightGradients[0]![0]![1]!,
      b1: b.biasGradients[0]![0]!,
      w21: b.weightGradients[1]![0]![0]!,
      b2: b.biasGradients[1]![0]!,
    },
    updated: {
      w11: l1.weights[0]![0]!,
      w12: l1.weights[0]![1]!,
      b1: l1.biases[0]!,
      w21: l2.weights[0]![0]!,
      b2: l2.biases[0]!,
    },
    EAfter: 0.5 * (g.y - after) ** 2,
  };
}
