import { describe, expect, it } from 'vitest';

import { activations } from '../spec/dense';
import { randomNet, randomBatch, maxRelativeError, flatten } from './fixtures';
import { activate, backprop, gradients, numericGradients } from './dense';

describe('activate', () => {
  it('computes each function on known points', () => {
    expect(activate('relu', [-1, 0, 2])).toEqual([0, 0, 2]);
    expect(activate('sigmoid', [0])).toEqual([0.5]);
    expect(activate('tanh', [0])).toEqual([0]);
    expect(activate('linear', [3])).toEqual([3]);
    const s = activate('softmax', [1, 1, 1, 1]);
    s.forEach((v) => expect(v).toBeCloseTo(0.25, 15));
    // Shifting the logits leaves softmax unchanged (and large ones do not overflow).
    const big = activate('softmax', [1000, 1001]);
    const small = activate('softmax', [0, 1]);
    expect(big[1]).toBeCloseTo(small[1]!, 15);
    expect(small[1]).toBeCloseTo(Math.E / (1 + Math.E), 15);
  });
});

describe('reference backprop', () => {
  const cases = [
    ...activations.map((hidden) => ({ hidden, output: 'linear' as const, loss: 'mse' as const })),
    ...activations.map((hidden) => ({
      hidden,
      output: 'sigmoid' as const,
      loss: 'binaryCrossentropy' as const,
    })),
    ...activations.map((hidden) => ({
      hidden,
      output: 'softmax' as const,
      loss: 'categoricalCrossentropy' as const,
    })),
    { hidden: 'tanh' as const, output: 'tanh' as const, loss: 'halfSquared' as const },
  ];

  it.each(cases)(
    'matches central finite differences: hidden $hidden, output $output, $loss',
    ({ hidden, output, loss }) => {
      const net = randomNet({ sizes: [3, 4, 3], hidden, output, loss, seed: 7 });
      const { xs, ys } = randomBatch({ inputs: 3, outputs: 3, size: 5, loss, seed: 8 });
      const exact = gradients(net, xs, ys);
      const numeric = numericGradients(net, xs, ys);
      expect(maxRelativeError(flatten(exact), flatten(numeric))).toBeLessThan(1e-6);
    },
  );

  it('gives softmax with categorical cross-entropy the textbook δ = ŷ − y', () => {
    const net = randomNet({
      sizes: [2, 3],
      hidden: 'linear',
      output: 'softmax',
      loss: 'categoricalCrossentropy',
      seed: 3,
    });
    const y = [0, 1, 0];
    const b = backprop(net, [0.3, -0.2], y);
    const yHat = b.a[1]!;
    b.deltas[0]!.forEach((d, i) => expect(d).toBeCloseTo(yHat[i]! - y[i]!, 14));
  });
});
