import * as tf from '@tensorflow/tfjs';

import type { Dataset } from './data/dataset';
import { batchTensors } from './data/batches';
import { selectRows } from './data/dataset';
import { createRandom, permutation } from './data/random';
import { correctCounter, lossFunction } from './losses';
import type { Model } from './model';
import { buildModel, denseSpec, forward } from './model';
import { evaluate } from './predict';
import { makeOptimizer } from './optimizers';
import type { ModelSpecInput } from './spec/model';
import type { DenseNetSpec, DenseNetSpecInput } from './spec/network';

export type EpochStats = {
  /** 1-based. */
  epoch: number;
  loss: number;
  /** For the cross-entropy losses: the share of right answers. */
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
  /** Training samples seen this epoch. */
  samples: number;
  /** Time of the epoch's training steps by the `clock` option (validation excluded). */
  seconds: number;
  samplesPerSecond: number;
};

export type EarlyStopping = {
  /** Epochs without improvement to wait before stopping. */
  patience: number;
  /** Smallest decrease that counts as an improvement (default 0). */
  minDelta?: number;
  /** Default: `valLoss` when there is a validation split, else `loss`. */
  monitor?: 'loss' | 'valLoss';
  /** Put back the weights of the best epoch when training ends (default true). */
  restoreBestWeights?: boolean;
};

export type TrainOptions = {
  epochs?: number;
  batchSize?: number;
  /** Share of the samples held out, after a seeded shuffle, to validate on each epoch (0 ≤ v < 1). */
  validationSplit?: number;
  /** Seeds the split and each epoch's shuffle; default the spec's seed. */
  seed?: number;
  /** Stops training between two batches; `train` then rejects with the signal's reason. */
  signal?: AbortSignal;
  onProgress?: (stats: EpochStats) => void;
  earlyStopping?: EarlyStopping;
  /** Milliseconds; default `performance.now`. */
  clock?: () => number;
};

export type TrainResult = {
  model: Model;
  history: EpochStats[];
  stoppedEarly: boolean;
  /** The epoch whose weights the model holds when early stopping restored them, else the last. */
  bestEpoch: number;
  backend: string;
};

export type TrainStep = (
  x: tf.Tensor2D,
  y: tf.Tensor2D,
) => { loss: tf.Scalar; correct: tf.Scalar | null };

/**
 * One optimizer step on a batch, the one `train` runs: the batch's mean loss and, for the
 * cross-entropy losses, how many answers were right. The caller disposes both.
 */
export function createTrainStep(model: Model, optimizer: tf.Optimizer): TrainStep {
  const loss = lossFunction(model.spec.loss);
  const counter = correctCounter(
    model.spec.loss,
    model.spec.layers[model.spec.layers.length - 1]!.units,
  );
  const variables = model.variables.flatMap((v) => (v.bias ? [v.kernel, v.bias] : [v.kernel]));
  return (x, y) => {
    let correct: tf.Scalar | null = null;
    const l = optimizer.minimize(
      () => {
        const p = forward(model, x);
        // Counted inside the step so that it costs no second forward pass.
        if (counter) correct = tf.keep(counter.count(y, p));
        return loss(y, p);
      },
      true,
      variables,
    )!;
    return { loss: l, correct };
  };
}

/** Hands control back to the event loop so that an abort (or anything else waiting) can run. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v <= 0)
    throw new RangeError(`${name} must be a positive integer, got ${v}`);
  return v;
}

/** A seeded shuffle, then the first `held` samples for validation and the rest for training. */
function split(data: Dataset, held: number, seed: number): { train: Dataset; val: Dataset | null } {
  const order = permutation(data.size, createRandom(seed ^ 0x5eed));
  if (held === 0) return { train: selectRows(data, order), val: null };
  return {
    train: selectRows(data, order.subarray(held)),
    val: selectRows(data, order.subarray(0, held)),
  };
}

function checkShapes(spec: DenseNetSpec, data: Dataset): void {
  const outputs = spec.layers[spec.layers.length - 1]!.units;
  if (data.inputs !== spec.inputs)
    throw new RangeError(`the data has ${data.inputs} inputs per sample, the spec ${spec.inputs}`);
  if (data.outputs !== outputs)
    throw new RangeError(
      `the data has ${data.outputs} targets per sample, the spec's last layer ${outputs} units`,
    );
  if (data.size === 0) throw new RangeError('the data has no samples');
}

/**
 * Trains a dense network built from `spec` on `data` with mini-batch gradient descent, shuffling
 * (seeded) every epoch. Reports each epoch; stops early, or when `signal` aborts. Every tensor it
 * makes is disposed, except the returned model's weights.
 */
export async function train(
  spec: DenseNetSpec | DenseNetSpecInput | ModelSpecInput,
  data: Dataset,
  opts: TrainOptions = {},
): Promise<TrainResult> {
  const s = denseSpec(spec);
  checkShapes(s, data);
  const epochs = positiveInt('epochs', opts.epochs ?? 10);
  const batchSize = positiveInt('batchSize', opts.batchSize ?? 32);
  const validationSplit = opts.validationSplit ?? 0;
  if (!(validationSplit >= 0 && validationSplit < 1))
    throw new RangeError(`validationSplit must be in [0, 1), got ${validationSplit}`);
  const seed = opts.seed ?? s.seed;
  const clock = opts.clock ?? (() => performance.now());
  const early = opts.earlyStopping;
  if (early) positiveInt('earlyStopping.patience', early.patience);
  const held = Math.floor(data.size * validationSplit);
  if (held === data.size) throw new RangeError('validationSplit leaves no samples to train on');
  const monitor = early?.monitor ?? (held > 0 ? 'valLoss' : 'loss');
  if (monitor === 'valLoss' && held === 0)
    throw new RangeError(
      'earlyStopping.monitor valLoss needs a validationSplit that holds samples out',
    );
  const restoreBest = early?.restoreBestWeights ?? true;
  opts.signal?.throwIfAborted();

  const { train: trainSet, val } = split(data, held, seed);
  // From here on tensors exist: every path out disposes them.
  const model = buildModel(s);
  const optimizer = makeOptimizer(s.optimizer);

  const counter = correctCounter(s.loss, data.outputs);
  const step = createTrainStep(model, optimizer);
  const shuffler = createRandom(seed);

  const history: EpochStats[] = [];
  let best = Infinity;
  let bestEpoch = 0;
  let bestWeights: tf.Tensor[] | null = null;
  let waited = 0;
  let stoppedEarly = false;
  const dropBest = () => {
    bestWeights?.forEach((t) => t.dispose());
    bestWeights = null;
  };

  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const started = clock();
      let lastYield = started;
      const shuffled = selectRows(trainSet, permutation(trainSet.size, shuffler));
      const losses: tf.Scalar[] = [];
      const corrects: tf.Scalar[] = [];
      const sizes: number[] = [];
      try {
        for (let start = 0; start < trainSet.size; start += batchSize) {
          const n = Math.min(batchSize, trainSet.size - start);
          const batch = batchTensors(shuffled, start, n);
          try {
            const { loss, correct } = step(batch.x, batch.y);
            losses.push(loss);
            if (correct) corrects.push(correct);
          } finally {
            tf.dispose([batch.x, batch.y]);
          }
          sizes.push(n);
          opts.signal?.throwIfAborted();
          if (clock() - lastYield > 50) {
            await yieldToEventLoop();
            opts.signal?.throwIfAborted();
            lastYield = clock();
          }
        }
        // One read per epoch: it also waits for the device, so the time below is the real one.
        const summary = tf.tidy(() =>
          tf.concat([
            tf.stack(losses),
            corrects.length ? tf.cast(tf.stack(corrects), 'float32') : tf.zeros([0]),
          ]),
        );
        const values = await summary.data();
        summary.dispose();
        const seconds = (clock() - started) / 1000;
        const lossSum = sizes.reduce((sum, n, i) => sum + values[i]! * n, 0);
        const correct = Array.from(values.subarray(sizes.length)).reduce((a, b) => a + b, 0);
        const stats: EpochStats = {
          epoch,
          loss: lossSum / trainSet.size,
          ...(counter ? { accuracy: correct / (trainSet.size * counter.perSample) } : {}),
          samples: trainSet.size,
          seconds,
          samplesPerSecond: seconds > 0 ? trainSet.size / seconds : Infinity,
        };
        if (val) {
          const v = await evaluate(model, val, Math.max(batchSize, 1024));
          stats.valLoss = v.loss;
          if (v.accuracy !== undefined) stats.valAccuracy = v.accuracy;
        }
        history.push(stats);
        opts.onProgress?.(stats);
      } finally {
        tf.dispose([...losses, ...corrects]);
      }

      if (early) {
        const last = history[history.length - 1]!;
        const value = monitor === 'valLoss' ? last.valLoss! : last.loss;
        if (value < best - (early.minDelta ?? 0)) {
          best = value;
          bestEpoch = epoch;
          waited = 0;
          if (restoreBest) {
            dropBest();
            bestWeights = model.tfModel.getWeights().map((w) => w.clone());
          }
        } else if (++waited >= early.patience) {
          stoppedEarly = true;
          break;
        }
      }
      await yieldToEventLoop();
      opts.signal?.throwIfAborted();
    }
    if (bestWeights && bestEpoch !== history.length) model.tfModel.setWeights(bestWeights);
    else bestEpoch = history.length;
    return { model, history, stoppedEarly, bestEpoch, backend: tf.getBackend() };
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    dropBest();
    optimizer.dispose();
  }
}
