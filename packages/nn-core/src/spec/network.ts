import { z } from 'zod';

import { denseLayerSpec } from './dense';
import { losses, optimizerSpec } from './training';

/** A sequential stack of dense layers, with what it takes to train it. */
export const denseNetSpec = z
  .strictObject({
    kind: z.literal('dense'),
    name: z.string().min(1).optional(),
    /** Features per sample. */
    inputs: z.number().int().positive(),
    layers: z.array(denseLayerSpec).min(1),
    loss: z.enum(losses).default('mse'),
    optimizer: optimizerSpec.prefault({ type: 'sgd' }),
    /** Seeds every layer's initializer that has no seed of its own (layer i gets seed + i). */
    seed: z.number().int().nonnegative().default(0),
  })
  .superRefine((spec, ctx) => {
    const last = spec.layers.length - 1;
    const out = spec.layers[last]!;
    // Cross-entropies take probabilities: a linear or ReLU output would feed them log(≤ 0).
    if (
      spec.loss === 'binaryCrossentropy' &&
      out.activation !== 'sigmoid' &&
      out.activation !== 'softmax'
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['layers', last, 'activation'],
        message: `binaryCrossentropy needs a sigmoid (or softmax) output layer, got ${out.activation}`,
      });
    }
    if (
      spec.loss === 'categoricalCrossentropy' &&
      (out.activation !== 'softmax' || out.units < 2)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['layers', last],
        message: `categoricalCrossentropy needs a softmax output layer of 2 or more units, got ${out.units} × ${out.activation}`,
      });
    }
  });

export type DenseNetSpec = z.infer<typeof denseNetSpec>;
/** A spec as written by hand: every field with a default may be left out. */
export type DenseNetSpecInput = z.input<typeof denseNetSpec>;
