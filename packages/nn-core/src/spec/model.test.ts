import { describe, expect, it } from 'vitest';

import { account, parseModelSpec, SpecError } from './model';

describe('parseModelSpec', () => {
  it('fills the defaults of a dense spec', () => {
    const spec = parseModelSpec({
      kind: 'dense',
      inputs: 2,
      layers: [{ type: 'dense', units: 1, activation: 'sigmoid' }],
      loss: 'binaryCrossentropy',
    });
    expect(spec).toEqual({
      kind: 'dense',
      inputs: 2,
      layers: [{ type: 'dense', units: 1, activation: 'sigmoid', useBias: true }],
      loss: 'binaryCrossentropy',
      optimizer: { type: 'sgd', learningRate: 0.01 },
      seed: 0,
    });
  });

  it('names every bad field by its path', () => {
    let err: unknown;
    try {
      parseModelSpec({
        kind: 'dense',
        inputs: 2,
        layers: [{ type: 'dense', units: 0 }],
        optimizer: { type: 'adam', beta1: 1.5 },
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpecError);
    const paths = (err as SpecError).issues.map((i) => i.path);
    expect(paths).toContain('layers.0.units');
    expect(paths).toContain('optimizer.beta1');
    expect((err as SpecError).message).toMatch(/layers\.0\.units/);
  });

  it('refuses an unknown kind and unknown fields', () => {
    expect(() => parseModelSpec({ kind: 'cnn' })).toThrow(SpecError);
    expect(() =>
      parseModelSpec({ kind: 'dense', inputs: 1, layers: [{ type: 'dense', units: 1 }], lr: 1 }),
    ).toThrow(/lr/);
  });

  it('ties the cross-entropies to output activations that give probabilities', () => {
    const base = { kind: 'dense', inputs: 2 } as const;
    expect(() =>
      parseModelSpec({
        ...base,
        layers: [{ type: 'dense', units: 1, activation: 'relu' }],
        loss: 'binaryCrossentropy',
      }),
    ).toThrow(/layers\.0\.activation: binaryCrossentropy needs a sigmoid/);
    expect(() =>
      parseModelSpec({
        ...base,
        layers: [{ type: 'dense', units: 1, activation: 'softmax' }],
        loss: 'categoricalCrossentropy',
      }),
    ).toThrow(/softmax output layer of 2 or more units/);
  });
});

describe('account', () => {
  it('dispatches on kind', () => {
    const dense = account(
      parseModelSpec({ kind: 'dense', inputs: 3, layers: [{ type: 'dense', units: 2 }] }),
    );
    expect(dense.kind).toBe('dense');
    expect(dense.kind === 'dense' && dense.params).toBe(8);
    const t = account(
      parseModelSpec({
        kind: 'transformer',
        layers: 1,
        dModel: 4,
        heads: 1,
        vocabSize: 5,
        contextLength: 3,
      }),
    );
    expect(t.kind).toBe('transformer');
  });
});
