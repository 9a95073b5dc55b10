import type { Activation } from './dense';
import { denseParams } from './dense';
import type { DenseNetSpec } from './network';
import { OPTIMIZER_SLOTS } from './training';

/*
 * How dense networks are counted, per sample:
 * - A multiply-add is 2 FLOPs, so a layer's weighted sums cost 2 · inputs · units.
 * - A bias is 1 FLOP (an add) per unit in the forward pass and 1 (accumulating its gradient) in the
 *   backward pass.
 * - An activation costs the arithmetic of its formula, an exp counting as 1 FLOP:
 *   relu max(0, z) 1; sigmoid 1/(1 + e^−z) 4 (negate, exp, add, divide); tanh (e^2z − 1)/(e^2z + 1)
 *   5 (multiply, exp, subtract, add, divide); softmax over n units 3n − 1 (n exps, n − 1 adds for the
 *   sum, n divides); linear 0.
 * - Its derivative, applied to the incoming gradient δ: relu 1 (keep δ where z > 0); sigmoid
 *   a(1 − a)·δ 3; tanh (1 − a²)·δ 3; softmax a ⊙ (δ − a·δ) 4n − 1; linear 0.
 * - Backward: the weight gradient δ·aᵀ is 2 · inputs · units; the gradient for the layer below,
 *   Wᵀδ, another 2 · inputs · units, except in the first layer, where nothing below needs it.
 * - Left out: the loss and its gradient (a few FLOPs per output) and the optimizer's update, which
 *   happens once per batch rather than per sample.
 * Memory counts values of `bytesPerValue` bytes: weights, their gradients, the optimizer's state
 * (OPTIMIZER_SLOTS values per parameter) and, per sample in the batch, the activations the backward
 * pass reads: the input and each layer's output (every derivative above is a function of the output).
 */

export const ACTIVATION_FLOPS: Record<Activation, (n: number) => number> = {
  linear: () => 0,
  relu: (n) => n,
  sigmoid: (n) => 4 * n,
  tanh: (n) => 5 * n,
  softmax: (n) => 3 * n - 1,
};

export const ACTIVATION_GRAD_FLOPS: Record<Activation, (n: number) => number> = {
  linear: () => 0,
  relu: (n) => n,
  sigmoid: (n) => 3 * n,
  tanh: (n) => 3 * n,
  softmax: (n) => 4 * n - 1,
};

export type DenseLayerAccount = {
  index: number;
  inputs: number;
  units: number;
  activation: Activation;
  params: number;
  forward: { matmul: number; bias: number; activation: number; total: number };
  backward: {
    activation: number;
    bias: number;
    weightGradient: number;
    inputGradient: number;
    total: number;
  };
  /** Forward + backward FLOPs per sample. */
  training: number;
};

export type MemoryAccount = {
  batchSize: number;
  bytesPerValue: number;
  weights: number;
  gradients: number;
  optimizerState: number;
  activations: number;
  total: number;
};

export type DenseAccount = {
  kind: 'dense';
  params: number;
  layers: DenseLayerAccount[];
  forwardFlopsPerSample: number;
  backwardFlopsPerSample: number;
  trainingFlopsPerSample: number;
  /** The usual 6 × parameters approximation, to compare with the exact count. */
  approxTrainingFlopsPerSample: number;
  /** Bytes at the batch size asked for. */
  memory: MemoryAccount;
};

export type MemoryOptions = { batchSize?: number; bytesPerValue?: number };

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v <= 0)
    throw new RangeError(`${name} must be a positive integer, got ${v}`);
  return v;
}

export function denseLayerAccount(
  index: number,
  inputs: number,
  units: number,
  activation: Activation,
  useBias: boolean,
): DenseLayerAccount {
  const params = denseParams(inputs, units, useBias);
  const matmul = 2 * inputs * units;
  const bias = useBias ? units : 0;
  const forward = { matmul, bias, activation: ACTIVATION_FLOPS[activation](units) };
  const backward = {
    activation: ACTIVATION_GRAD_FLOPS[activation](units),
    bias,
    weightGradient: 2 * inputs * units,
    inputGradient: index === 0 ? 0 : 2 * inputs * units,
  };
  const fwd = forward.matmul + forward.bias + forward.activation;
  const bwd =
    backward.activation + backward.bias + backward.weightGradient + backward.inputGradient;
  return {
    index,
    inputs,
    units,
    activation,
    params,
    forward: { ...forward, total: fwd },
    backward: { ...backward, total: bwd },
    training: fwd + bwd,
  };
}

/** Parameters, FLOPs per sample and training memory of a dense network; see the notes above. */
export function denseAccount(spec: DenseNetSpec, opts: MemoryOptions = {}): DenseAccount {
  const batchSize = positiveInt('batchSize', opts.batchSize ?? 1);
  const bytesPerValue = positiveInt('bytesPerValue', opts.bytesPerValue ?? 4);
  let inputs = spec.inputs;
  const layers = spec.layers.map((l, i) => {
    const a = denseLayerAccount(i, inputs, l.units, l.activation, l.useBias);
    inputs = l.units;
    return a;
  });
  const sum = (f: (l: DenseLayerAccount) => number) => layers.reduce((s, l) => s + f(l), 0);
  const params = sum((l) => l.params);
  const forward = sum((l) => l.forward.total);
  const backward = sum((l) => l.backward.total);
  const activationValues = spec.inputs + sum((l) => l.units);
  const weights = params * bytesPerValue;
  const memory = {
    batchSize,
    bytesPerValue,
    weights,
    gradients: weights,
    optimizerState: OPTIMIZER_SLOTS[spec.optimizer.type] * weights,
    activations: batchSize * activationValues * bytesPerValue,
  };
  return {
    kind: 'dense',
    params,
    layers,
    forwardFlopsPerSample: forward,
    backwardFlopsPerSample: backward,
    trainingFlopsPerSample: forward + backward,
    approxTrainingFlopsPerSample: 6 * params,
    memory: {
      ...memory,
      total: memory.weights + memory.gradients + memory.optimizerState + memory.activations,
    },
  };
}

/** Training compute of a run: the classic 6·N·D (2 FLOPs forward, 4 backward per parameter and token). */
export function sixND(params: number, tokens: number): number {
  return 6 * params * tokens;
}
