import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { backendReport } from './backends';
import { runSeedDemo, SEED_DEMO_BASELINE_WHY } from './seed-demo';

beforeAll(async () => {
  await backendReport();
});

describe('runSeedDemo', () => {
  it('clearly beats the majority-class baseline on 1,000 fresh points, with a boundary near x1 + x2 = 0.5', async () => {
    const before = tf.memory().numTensors;
    const r = await runSeedDemo();
    expect(tf.memory().numTensors).toBe(before);
    expect(r).toMatchObject({ trainSize: 100, testSize: 1000, epochs: 100, seed: 1 });
    // The baseline is high: class 0 is only the corner triangle of area 0.125.
    expect(r.baseline.majorityClass).toBe(1);
    expect(Math.abs(r.baseline.accuracy - 0.875)).toBeLessThan(0.035);
    expect(r.baseline.why).toBe(SEED_DEMO_BASELINE_WHY);
    expect(r.accuracy).toBeGreaterThan(0.95);
    // At least halving the baseline's error: clearly better, not noise.
    expect(1 - r.accuracy).toBeLessThan((1 - r.baseline.accuracy) / 2);
    expect(r.lossPerEpoch).toHaveLength(100);
    expect(r.lossPerEpoch[99]).toBeLessThan(r.lossPerEpoch[0]! / 2);

    // Both weights positive and of similar size; the line crosses the diagonal x1 = x2 near 0.25.
    const { w1, w2, b } = r.boundary;
    expect(w1).toBeGreaterThan(0);
    expect(w2).toBeGreaterThan(0);
    expect(Math.abs(w1 / w2 - 1)).toBeLessThan(0.35);
    expect(Math.abs(-b / (w1 + w2) - 0.25)).toBeLessThan(0.05);
  });
});
