import { z } from 'zod';

export const activations = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'] as const;

/** A fully connected layer: `units` outputs, each a weighted sum of every input plus an optional bias. */
export const denseLayerSpec = z.strictObject({
  type: z.literal('dense'),
  units: z.number().int().positive(),
  activation: z.enum(activations).default('linear'),
  useBias: z.boolean().default(true),
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
