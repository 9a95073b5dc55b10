import { describe, expect, it } from 'vitest';

import { denseLayerSpec, denseParams } from './dense';

describe('denseParams', () => {
  it('counts the MNIST MLP 784→512→512→10 by hand', () => {
    // 784·512 + 512 = 401,920; 512·512 + 512 = 262,656; 512·10 + 10 = 5,130; total 669,706.
    const layers = [denseParams(784, 512), denseParams(512, 512), denseParams(512, 10)];
    expect(layers).toEqual([401_920, 262_656, 5_130]);
    expect(layers.reduce((a, b) => a + b, 0)).toBe(669_706);
  });

  it('leaves the biases out when the layer has none', () => {
    expect(denseParams(3, 2, false)).toBe(6);
    expect(denseParams(3, 2)).toBe(8);
  });

  it('refuses sizes that are not positive integers', () => {
    expect(() => denseParams(0, 4)).toThrow(/inputs/);
    expect(() => denseParams(4, 1.5)).toThrow(/units/);
  });
});

describe('denseLayerSpec', () => {
  it('fills defaults and rejects unknown fields', () => {
    expect(denseLayerSpec.parse({ type: 'dense', units: 16 })).toEqual({
      type: 'dense',
      units: 16,
      activation: 'linear',
      useBias: true,
    });
    expect(denseLayerSpec.safeParse({ type: 'dense', units: 16, kernel: 3 }).success).toBe(false);
    expect(denseLayerSpec.safeParse({ type: 'dense', units: 0 }).success).toBe(false);
  });
});
