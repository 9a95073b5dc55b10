import * as tf from '@tensorflow/tfjs';

import type { Activation, InitializerSpec } from './spec/dense';
import type { ModelSpecInput } from './spec/model';
import { parseModelSpec, SpecError } from './spec/model';
import type { DenseNetSpec, DenseNetSpecInput } from './spec/network';

/** A TensorFlow.js network built from a dense spec. Owns tensors: call `dispose()` when done. */
export type Model = {
  readonly spec: DenseNetSpec;
  /** The Layers model holding the weights (for `summary()`, `save()` to a browser store, …). */
  readonly tfModel: tf.Sequential;
  /** Each layer's weight matrix (inputs × units) and bias, the variables training updates. */
  readonly variables: { kernel: tf.Variable; bias: tf.Variable | null }[];
  dispose(): void;
};

const ACTIVATE: Record<Activation, (z: tf.Tensor2D) => tf.Tensor2D> = {
  linear: (z) => z,
  relu: (z) => tf.relu(z),
  sigmoid: (z) => tf.sigmoid(z),
  tanh: (z) => tf.tanh(z),
  softmax: (z) => tf.softmax(z),
};

/**
 * The network's outputs for a batch, computed straight from its variables: on a small network the
 * Layers machinery behind `tfModel.apply` costs more than the arithmetic (about 2.4× a training
 * step for 2→16→16→1), and both give the same numbers.
 */
export function forward(model: Model, x: tf.Tensor2D): tf.Tensor2D {
  let a = x;
  model.variables.forEach(({ kernel, bias }, i) => {
    const z = tf.matMul(a, kernel) as tf.Tensor2D;
    a = ACTIVATE[model.spec.layers[i]!.activation](bias ? tf.add<tf.Tensor2D>(z, bias) : z);
  });
  return a;
}

function initializer(
  init: InitializerSpec | undefined,
  seed: number,
): ReturnType<typeof tf.initializers.zeros> {
  const s = { seed: init?.seed ?? seed };
  switch (init?.name ?? 'glorotUniform') {
    case 'glorotUniform':
      return tf.initializers.glorotUniform(s);
    case 'glorotNormal':
      return tf.initializers.glorotNormal(s);
    case 'heUniform':
      return tf.initializers.heUniform(s);
    case 'heNormal':
      return tf.initializers.heNormal(s);
    case 'zeros':
      return tf.initializers.zeros();
  }
}

/** Validates a spec, refusing kinds nn-core can account for but not train. */
export function denseSpec(spec: DenseNetSpec | DenseNetSpecInput | ModelSpecInput): DenseNetSpec {
  const parsed = parseModelSpec(spec);
  if (parsed.kind !== 'dense')
    throw new SpecError([
      {
        path: 'kind',
        message: `nn-core trains dense networks; "${parsed.kind}" is for accounting only`,
      },
    ]);
  return parsed;
}

/** A tf.Sequential of dense layers, weights drawn from each layer's seeded initializer. */
export function buildModel(spec: DenseNetSpec | DenseNetSpecInput): Model {
  const s = denseSpec(spec);
  const tfModel = tf.sequential();
  s.layers.forEach((l, i) => {
    tfModel.add(
      tf.layers.dense({
        units: l.units,
        activation: l.activation,
        useBias: l.useBias,
        kernelInitializer: initializer(l.initializer, s.seed + i),
        biasInitializer: 'zeros',
        ...(i === 0 ? { inputShape: [s.inputs] } : {}),
      }),
    );
  });
  const variables = tfModel.layers.map((layer) => {
    const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    return { kernel: kernel!, bias: bias ?? null };
  });
  return { spec: s, tfModel, variables, dispose: () => void tfModel.dispose() };
}
