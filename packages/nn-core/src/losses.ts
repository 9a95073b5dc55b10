import * as tf from '@tensorflow/tfjs';

import type { Loss } from './spec/training';

/**
 * A batch's mean loss, as Keras defines it: mse and binary cross-entropy average over the outputs
 * of a sample, categorical cross-entropy sums them; then the mean over samples.
 */
export function lossFunction(loss: Loss): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar {
  const perSample = {
    mse: tf.metrics.meanSquaredError,
    binaryCrossentropy: tf.metrics.binaryCrossentropy,
    categoricalCrossentropy: tf.metrics.categoricalCrossentropy,
  }[loss];
  return (yTrue, yPred) => tf.mean(perSample(yTrue, yPred));
}

/**
 * How to count right answers, or null for a regression loss: one output per label thresholded at
 * 0.5 for binary cross-entropy (each output on its own when there are several), the largest output
 * for categorical cross-entropy. Returns the count and how many answers it was out of per sample.
 */
export function correctCounter(
  loss: Loss,
  outputs: number,
): { count: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar; perSample: number } | null {
  if (loss === 'binaryCrossentropy')
    return {
      count: (y, p) => tf.sum(tf.equal(tf.greater(p, 0.5), tf.greater(y, 0.5))),
      perSample: outputs,
    };
  if (loss === 'categoricalCrossentropy')
    return { count: (y, p) => tf.sum(tf.equal(tf.argMax(p, -1), tf.argMax(y, -1))), perSample: 1 };
  return null;
}
