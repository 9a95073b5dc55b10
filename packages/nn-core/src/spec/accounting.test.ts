import { describe, expect, it } from 'vitest';

import { denseAccount, sixND } from './accounting';
import { denseNetSpec } from './network';

describe('denseAccount', () => {
  it('counts a 2→3 relu→1 sigmoid network by hand', () => {
    const spec = denseNetSpec.parse({
      kind: 'dense',
      inputs: 2,
      layers: [
        { type: 'dense', units: 3, activation: 'relu' },
        { type: 'dense', units: 1, activation: 'sigmoid' },
      ],
      loss: 'binaryCrossentropy',
      optimizer: { type: 'adam' },
    });
    const a = denseAccount(spec, { batchSize: 10 });
    // Layer 0: params 2·3 + 3 = 9. Forward: 2·2·3 = 12 (multiply-adds) + 3 biases + 3 relus = 18.
    // Backward: 3 relu' + 3 bias grads + 12 weight grads + 0 (no layer below needs an input gradient) = 18.
    expect(a.layers[0]).toMatchObject({
      params: 9,
      forward: { matmul: 12, bias: 3, activation: 3, total: 18 },
      backward: { activation: 3, bias: 3, weightGradient: 12, inputGradient: 0, total: 18 },
      training: 36,
    });
    // Layer 1: params 3 + 1 = 4. Forward: 6 + 1 + 4 (sigmoid: negate, exp, add, divide) = 11.
    // Backward: 3 (a(1−a)δ) + 1 + 6 + 6 = 16.
    expect(a.layers[1]).toMatchObject({
      params: 4,
      forward: { matmul: 6, bias: 1, activation: 4, total: 11 },
      backward: { activation: 3, bias: 1, weightGradient: 6, inputGradient: 6, total: 16 },
      training: 27,
    });
    expect(a).toMatchObject({
      params: 13,
      forwardFlopsPerSample: 29,
      backwardFlopsPerSample: 34,
      trainingFlopsPerSample: 63,
      approxTrainingFlopsPerSample: 78,
    });
    // Bytes at float32, Adam (2 slots), batch 10: weights 13·4 = 52, gradients 52, state 104,
    // activations 10 samples × (2 inputs + 3 + 1 outputs) × 4 = 240.
    expect(a.memory).toEqual({
      batchSize: 10,
      bytesPerValue: 4,
      weights: 52,
      gradients: 52,
      optimizerState: 104,
      activations: 240,
      total: 448,
    });
  });

  it('counts the MNIST MLP 784→512→512→10 by hand', () => {
    const spec = denseNetSpec.parse({
      kind: 'dense',
      inputs: 784,
      layers: [
        { type: 'dense', units: 512, activation: 'relu' },
        { type: 'dense', units: 512, activation: 'relu' },
        { type: 'dense', units: 10, activation: 'softmax' },
      ],
      loss: 'categoricalCrossentropy',
    });
    const a = denseAccount(spec);
    expect(a.params).toBe(669_706);
    // Forward: 2·784·512 + 512 + 512 = 803,840; 2·512·512 + 512 + 512 = 525,312;
    // 2·512·10 + 10 + (3·10 − 1 = 29) = 10,279. Sum 1,339,431.
    expect(a.layers.map((l) => l.forward.total)).toEqual([803_840, 525_312, 10_279]);
    expect(a.forwardFlopsPerSample).toBe(1_339_431);
    // Backward: 512 + 512 + 802,816 + 0 = 803,840; 512 + 512 + 524,288 + 524,288 = 1,049,600;
    // (4·10 − 1 = 39) + 10 + 10,240 + 10,240 = 20,529. Sum 1,873,969.
    expect(a.layers.map((l) => l.backward.total)).toEqual([803_840, 1_049_600, 20_529]);
    expect(a.backwardFlopsPerSample).toBe(1_873_969);
    expect(a.trainingFlopsPerSample).toBe(3_213_400);
    // 6N overcounts: it charges the first layer an input gradient and ignores nothing else.
    expect(a.approxTrainingFlopsPerSample).toBe(4_018_236);
    // Plain SGD keeps no state.
    expect(a.memory.optimizerState).toBe(0);
  });

  it('leaves out biases a layer does not have', () => {
    const spec = denseNetSpec.parse({
      kind: 'dense',
      inputs: 4,
      layers: [{ type: 'dense', units: 2, useBias: false }],
    });
    const a = denseAccount(spec);
    expect(a.params).toBe(8);
    expect(a.forwardFlopsPerSample).toBe(16);
    expect(a.backwardFlopsPerSample).toBe(16);
  });

  it('refuses a batch size that is not a positive integer', () => {
    const spec = denseNetSpec.parse({
      kind: 'dense',
      inputs: 1,
      layers: [{ type: 'dense', units: 1 }],
    });
    expect(() => denseAccount(spec, { batchSize: 0 })).toThrow(/batchSize/);
  });
});

describe('sixND', () => {
  it('gives GPT-3 its ~3.14e23 training FLOPs', () => {
    // 6 × 175e9 × 300e9 = 3.15e23 (Brown et al. 2020 report 3.14e23).
    expect(sixND(175e9, 300e9)).toBeCloseTo(3.15e23, -20);
  });
});
