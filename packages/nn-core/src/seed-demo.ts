import { seedDemoData } from './data/builtin';
import { majorityBaseline } from './data/dataset';
import { evaluate } from './predict';
import type { DenseNetSpec } from './spec/network';
import { denseNetSpec } from './spec/network';
import type { EpochStats, TrainOptions } from './train';
import { train } from './train';

export type SeedDemoOptions = Pick<TrainOptions, 'signal' | 'onProgress' | 'clock'> & {
  epochs?: number;
  seed?: number;
  learningRate?: number;
  batchSize?: number;
};

export type SeedDemoResult = {
  spec: DenseNetSpec;
  epochs: number;
  seed: number;
  backend: string;
  trainSize: number;
  testSize: number;
  /** Share of the fresh test points the model gets right. */
  accuracy: number;
  /** Always answering the commoner class of the test points. */
  baseline: { accuracy: number; majorityClass: number; why: string };
  /** Mean binary cross-entropy on the training points, per epoch. */
  lossPerEpoch: number[];
  /** The learnt line w1·x1 + w2·x2 + b = 0, where the sigmoid crosses 0.5. */
  boundary: { w1: number; w2: number; b: number };
  history: EpochStats[];
};

export const SEED_DEMO_BASELINE_WHY =
  'label 0 only in the corner triangle x1 + x2 ≤ 0.5 of the unit square, area ½·0.5·0.5 = 0.125, ' +
  'so P(x1 + x2 > 0.5) = 1 − 0.125 = 0.875: always answering 1 is right 87.5 % of the time';

/**
 * The seed demo: 100 points uniform in [0, 1]², label 1 when x1 + x2 > 0.5, one sigmoid unit
 * trained with binary cross-entropy and plain SGD, then scored on 1,000 fresh points.
 */
export async function runSeedDemo(opts: SeedDemoOptions = {}): Promise<SeedDemoResult> {
  const seed = opts.seed ?? 1;
  const epochs = opts.epochs ?? 100;
  const spec = denseNetSpec.parse({
    kind: 'dense',
    name: 'seed demo',
    inputs: 2,
    layers: [{ type: 'dense', units: 1, activation: 'sigmoid' }],
    loss: 'binaryCrossentropy',
    optimizer: { type: 'sgd', learningRate: opts.learningRate ?? 1 },
    seed,
  });
  const trainData = seedDemoData({ size: 100, seed });
  const test = seedDemoData({ size: 1000, seed: seed + 1_000_003 });
  const { model, history, backend } = await train(spec, trainData, {
    epochs,
    batchSize: opts.batchSize ?? 10,
    seed,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  try {
    const { accuracy } = await evaluate(model, test);
    const [kernel, bias] = await Promise.all(model.tfModel.getWeights().map((w) => w.data()));
    const base = majorityBaseline(test);
    return {
      spec,
      epochs,
      seed,
      backend,
      trainSize: trainData.size,
      testSize: test.size,
      accuracy: accuracy!,
      baseline: {
        accuracy: base.accuracy,
        majorityClass: base.majorityClass,
        why: SEED_DEMO_BASELINE_WHY,
      },
      lossPerEpoch: history.map((h) => h.loss),
      boundary: { w1: kernel![0]!, w2: kernel![1]!, b: bias![0]! },
      history,
    };
  } finally {
    model.dispose();
  }
}
