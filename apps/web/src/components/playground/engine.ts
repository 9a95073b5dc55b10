/**
 * The Playground's trainer: an nn-core dense network on TensorFlow.js's cpu backend, trained
 * epoch by epoch on points that can grow while it trains. Loaded only through a dynamic import.
 */
import { gridCentres, type Bounds } from '../../lib/playground-plot';
import { PLAYGROUND_BATCH_SIZE } from '../../lib/playground-params';
import type { Dataset, Model, Random } from './nn';
import {
  buildModel,
  builtinDataset,
  createRandom,
  createTrainStep,
  datasetFromRows,
  evaluate,
  majorityBaseline,
  makeOptimizer,
  permutation,
  predict,
  tf,
} from './nn';

export type TrainerConfig = {
  dataset: 'seed-demo' | 'xor' | 'two-spirals' | 'gaussian-blobs';
  size: number;
  classes: number;
  seed: number;
  learningRate: number;
  hidden: number[];
};

export type Metrics = {
  epoch: number;
  loss: number;
  accuracy: number;
  baseline: number;
  counts: number[];
};

/** Picks the cpu backend: always there (webgl is not in headless Chromium), plenty for toy sets. */
export async function startBackend(): Promise<string> {
  await tf.setBackend('cpu');
  await tf.ready();
  return tf.getBackend();
}

export class Trainer {
  readonly config: TrainerConfig;
  /** x1, x2 of every point, then its class. */
  readonly xs: number[][] = [];
  readonly labels: number[] = [];
  epoch = 0;
  private model: Model;
  private optimizer: tf.Optimizer;
  private step: ReturnType<typeof createTrainStep>;
  private random: Random;
  private data!: Dataset;
  private x: tf.Tensor2D | null = null;
  private y: tf.Tensor2D | null = null;

  constructor(config: TrainerConfig) {
    this.config = config;
    const d = builtinDataset(config.dataset, { size: config.size, seed: config.seed });
    for (let i = 0; i < d.size; i++) {
      this.xs.push([d.x[i * 2]!, d.x[i * 2 + 1]!]);
      this.labels.push(
        d.outputs === 1
          ? d.y[i]! > 0.5
            ? 1
            : 0
          : Array.from(d.y.subarray(i * d.outputs, (i + 1) * d.outputs)).indexOf(1),
      );
    }
    const binary = config.classes === 2;
    this.model = buildModel({
      kind: 'dense',
      name: `playground ${config.dataset}`,
      inputs: 2,
      layers: [
        ...config.hidden.map((units) => ({
          type: 'dense' as const,
          units,
          activation: 'tanh' as const,
        })),
        binary
          ? { type: 'dense' as const, units: 1, activation: 'sigmoid' as const }
          : { type: 'dense' as const, units: config.classes, activation: 'softmax' as const },
      ],
      loss: binary ? 'binaryCrossentropy' : 'categoricalCrossentropy',
      optimizer: { type: 'adam', learningRate: config.learningRate },
      seed: config.seed,
    });
    this.optimizer = makeOptimizer(this.model.spec.optimizer);
    this.step = createTrainStep(this.model, this.optimizer);
    this.random = createRandom(config.seed);
    this.refresh();
  }

  /** The points as nn-core data, and as the two tensors every epoch reads. */
  private refresh(): void {
    const k = this.config.classes;
    const ys = this.labels.map((c) =>
      k === 2 ? [c] : Array.from({ length: k }, (_, j) => (j === c ? 1 : 0)),
    );
    this.data = datasetFromRows(this.config.dataset, this.xs, ys);
    tf.dispose([this.x, this.y].filter((t): t is tf.Tensor2D => t !== null));
    this.x = tf.tensor2d(this.data.x, [this.data.size, 2]);
    this.y = tf.tensor2d(this.data.y, [this.data.size, this.data.outputs]);
  }

  /** Every point's x1, x2, flat, for the plot's bounds. */
  flatPoints(): Float32Array {
    return this.data.x;
  }

  addPoint(x1: number, x2: number, label: number): void {
    this.xs.push([x1, x2]);
    this.labels.push(label);
    this.refresh();
  }

  /** One pass over the points in a seeded shuffle, in mini-batches of PLAYGROUND_BATCH_SIZE. */
  runEpoch(): void {
    const n = this.data.size;
    const order = permutation(n, this.random);
    tf.tidy(() => {
      const idx = tf.tensor1d(order, 'int32');
      const x = tf.gather(this.x!, idx);
      const y = tf.gather(this.y!, idx);
      for (let start = 0; start < n; start += PLAYGROUND_BATCH_SIZE) {
        const m = Math.min(PLAYGROUND_BATCH_SIZE, n - start);
        const { loss, correct } = this.step(
          tf.slice(x, [start, 0], [m, 2]),
          tf.slice(y, [start, 0], [m, this.data.outputs]),
        );
        loss.dispose();
        correct?.dispose();
      }
    });
    this.epoch++;
  }

  /** Loss and accuracy of the model now on every point, and the majority-class baseline. */
  async metrics(): Promise<Metrics> {
    const e = await evaluate(this.model, this.data);
    const base = majorityBaseline(this.data);
    return {
      epoch: this.epoch,
      loss: e.loss,
      accuracy: e.accuracy ?? Number.NaN,
      baseline: base.accuracy,
      counts: base.counts.slice(0, this.config.classes),
    };
  }

  /** The model's outputs at the centres of a cols × rows grid over the bounds. */
  grid(bounds: Bounds, cols: number, rows: number): Promise<number[][]> {
    return predict(this.model, gridCentres(bounds, cols, rows));
  }

  dispose(): void {
    tf.dispose([this.x, this.y].filter((t): t is tf.Tensor2D => t !== null));
    this.x = this.y = null;
    this.optimizer.dispose();
    this.model.dispose();
  }
}
