import { z } from 'zod';

export const losses = ['mse', 'binaryCrossentropy', 'categoricalCrossentropy'] as const;
export type Loss = (typeof losses)[number];

const rate = z.number().positive().finite();
const fraction = z.number().min(0).lt(1);

/** The optimizer and its hyper-parameters; defaults are TensorFlow.js's (Keras's for Adam). */
export const optimizerSpec = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('sgd'), learningRate: rate.default(0.01) }),
  z.strictObject({
    type: z.literal('momentum'),
    learningRate: rate.default(0.01),
    momentum: fraction.default(0.9),
    nesterov: z.boolean().default(false),
  }),
  z.strictObject({
    type: z.literal('adam'),
    learningRate: rate.default(0.001),
    beta1: fraction.default(0.9),
    beta2: fraction.default(0.999),
    epsilon: rate.default(1e-7),
  }),
  z.strictObject({
    type: z.literal('rmsprop'),
    learningRate: rate.default(0.001),
    decay: fraction.default(0.9),
    momentum: fraction.default(0),
    epsilon: rate.default(1e-7),
  }),
]);

export type OptimizerSpec = z.infer<typeof optimizerSpec>;
export type OptimizerName = OptimizerSpec['type'];

/**
 * Values an optimizer keeps per parameter, as TensorFlow.js allocates them: momentum one velocity,
 * Adam the first and second moments, RMSProp the mean square and a moment buffer (kept even when
 * its momentum is 0).
 */
export const OPTIMIZER_SLOTS: Record<OptimizerName, number> = {
  sgd: 0,
  momentum: 1,
  adam: 2,
  rmsprop: 2,
};
