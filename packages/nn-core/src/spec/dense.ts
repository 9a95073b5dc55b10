import { z } from 'zod';

export const activations = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'] as const;
export type Activation = (typeof activations)[number];

export const initializers = [
  'glorotUniform',
  'glorotNormal',
  'heUniform',
  'heNormal',
  'zeros',
] as const;

/** How a layer's weight matrix starts; biases always start at zero. */
export const initializerSpec = z.strictObject({
  name: z.enum(initializers),
  /** Fixes the random draw; without it the network's seed plus the layer's index is used. */
  seed: z.number().int().nonnegative().optional(),
});

export type InitializerSpec = z.infer<typeof initializerSpec>;

/** A fully connected layer: `units` outputs, each a weighted sum of every input plus an optional bias. */
export const denseLayerSpec = z.strictObject({
  type: z.literal('dense'),
  units: z.number().int().positive(),
  activation: z.enum(activations).default('linear'),
  useBias: z.boolean().default(true),
  /** Default: Glorot uniform, seeded from the network. */
  initializer: initializerSpec.optional(),
});

export type DenseLayerSpec = z.infer<typeof denseLayerSpec>;

/** Trainable parameters of a dense layer: an `inputs × units` weight matrix and `units` biases. */
export function denseParams(inputs: number, units: number, bias = true): number {
  for (const [name, v] of [
    ['inputs', inputs],
    ['units', units],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0)
      throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
  return inputs * units + (bias ? units : 0);
}
