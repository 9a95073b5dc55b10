import * as tf from '@tensorflow/tfjs';

import { batchTensors } from './data/batches';
import type { Dataset } from './data/dataset';
import { correctCounter, lossFunction } from './losses';
import type { Model } from './model';
import { forward } from './model';

/** The model's outputs for each input row; rows of numbers in, rows of numbers out. */
export async function predict(
  model: Model,
  inputs: number[][] | Float32Array,
): Promise<number[][]> {
  const n = model.spec.inputs;
  const flat = inputs instanceof Float32Array ? inputs : Float32Array.from(inputs.flat());
  const rows = flat.length / n;
  if (
    !Number.isInteger(rows) ||
    (!(inputs instanceof Float32Array) && inputs.some((r) => r.length !== n))
  )
    throw new RangeError(`every input row must have ${n} values`);
  if (rows === 0) return [];
  const out = tf.tidy(() => forward(model, tf.tensor2d(flat, [rows, n])));
  try {
    return (await out.array()) as number[][];
  } finally {
    out.dispose();
  }
}

/** Mean loss and, for the cross-entropy losses, accuracy of the model on a dataset. */
export async function evaluate(
  model: Model,
  data: Dataset,
  batchSize = 1024,
): Promise<{ loss: number; accuracy?: number }> {
  const counter = correctCounter(model.spec.loss, data.outputs);
  const loss = lossFunction(model.spec.loss);
  const sums = tf.tidy(() => {
    let l: tf.Tensor = tf.scalar(0);
    let c: tf.Tensor = tf.scalar(0);
    for (let start = 0; start < data.size; start += batchSize) {
      const n = Math.min(batchSize, data.size - start);
      const { x, y } = batchTensors(data, start, n);
      const p = forward(model, x);
      l = tf.add(l, tf.mul(loss(y, p), n));
      if (counter) c = tf.add(c, tf.cast(counter.count(y, p), 'float32'));
    }
    return tf.stack([l, c]);
  });
  const [l, c] = await sums.data();
  sums.dispose();
  return {
    loss: l! / data.size,
    ...(counter ? { accuracy: c! / (data.size * counter.perSample) } : {}),
  };
}
