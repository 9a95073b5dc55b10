import { describe, expect, it } from 'vitest';

import {
  builtinDataset,
  gaussianBlobsData,
  seedDemoData,
  twoSpiralsData,
  xorData,
} from './builtin';
import { inputRow, majorityBaseline, targetRow } from './dataset';

describe('built-in datasets', () => {
  it('label the seed demo x1 + x2 > 0.5, about 87.5 % class 1', () => {
    const d = seedDemoData({ size: 4000, seed: 5 });
    expect(d).toMatchObject({ name: 'seed-demo', size: 4000, inputs: 2, outputs: 1 });
    let wrong = 0;
    for (let i = 0; i < d.size; i++) {
      const [x1, x2] = inputRow(d, i);
      const inside = x1! >= 0 && x1! < 1 && x2! >= 0 && x2! < 1;
      if (!inside || targetRow(d, i)[0] !== (x1! + x2! > 0.5 ? 1 : 0)) wrong++;
    }
    expect(wrong).toBe(0);
    // The class-0 corner is a triangle of area 0.125; 4000 draws put the share within ~±0.015.
    expect(majorityBaseline(d).accuracy).toBeCloseTo(0.875, 1);
    expect(majorityBaseline(d).majorityClass).toBe(1);
  });

  it('repeat for a seed', () => {
    for (const name of ['seed-demo', 'xor', 'two-spirals', 'gaussian-blobs'] as const) {
      const a = builtinDataset(name, { seed: 9 });
      expect(builtinDataset(name, { seed: 9 })).toEqual(a);
      expect(builtinDataset(name, { seed: 10 }).x).not.toEqual(a.x);
    }
  });

  it('label XOR clusters by their corner', () => {
    const d = xorData({ size: 400, noise: 0.05, seed: 1 });
    for (let i = 0; i < d.size; i++) {
      const [x1, x2] = inputRow(d, i);
      expect(targetRow(d, i)[0]).toBe(Math.round(x1!) ^ Math.round(x2!));
    }
    expect(majorityBaseline(d).accuracy).toBe(0.5);
  });

  it('make two spirals that are mirror images, half each', () => {
    const d = twoSpiralsData({ size: 200, noise: 0, seed: 2 });
    expect(majorityBaseline(d).counts).toEqual([100, 100]);
    for (let i = 0; i < d.size; i++) {
      const [x1, x2] = inputRow(d, i);
      expect(Math.hypot(x1!, x2!)).toBeLessThanOrEqual(1 + 1e-6);
    }
  });

  it('make one-hot blobs around their centres', () => {
    const d = gaussianBlobsData({ size: 300, classes: 3, std: 0.1, seed: 4 });
    expect(d.outputs).toBe(3);
    expect(d.classes).toHaveLength(3);
    for (let i = 0; i < d.size; i++) {
      const t = [...targetRow(d, i)];
      expect(t.reduce((s, v) => s + v, 0)).toBe(1);
      const c = t.indexOf(1);
      const [x1, x2] = inputRow(d, i);
      const angle = (2 * Math.PI * c) / 3;
      expect(Math.hypot(x1! - 2 * Math.cos(angle), x2! - 2 * Math.sin(angle))).toBeLessThan(0.6);
    }
  });

  it('refuses an unknown name', () => {
    expect(() => builtinDataset('mnist' as never)).toThrow(/known: seed-demo, xor/);
  });
});
