// `nn-train` jobs: a dense network trained with nn-core on a built-in dataset or an inline CSV, in a
// child process (see child.ts). TensorFlow.js is loaded only in the child.
import type { NnTrainPayload } from '@wattwise/api/payloads';
import { NN_LIMITS, nnTrainPayload } from '@wattwise/api/payloads';
import type { BackendReport, EpochStats, SavedModel } from '@wattwise/nn-core';

import type { ExecutorOptions, RunningExecutor } from './child';
import { startExecutor } from './child';
import type { JobIo } from './protocol';
import { JobInputError } from './protocol';

/** What each epoch reports. */
export type NnTrainProgress = {
  epoch: number;
  epochs: number;
  loss: number;
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
  samplesPerSecond: number;
  /** Every epoch so far, this one last: enough to draw the loss curve. */
  history: EpochStats[];
};

/** The structured result of an nn-train job (`output` of its result). */
export type NnTrainOutput = {
  kind: 'nn-train';
  /** The backend that trained it, and why each better one did not load. */
  backend: BackendReport & { used: string };
  dataset: {
    type: 'builtin' | 'csv';
    name: string;
    samples: number;
    inputs: number;
    outputs: number;
    trainSamples: number;
    validationSamples: number;
    featureNames?: string[];
    classes?: string[];
  };
  /** Always answering the commonest class of all the samples (cross-entropy losses only). */
  baseline: { accuracy: number; majorityClass: number } | null;
  metrics: {
    epochs: number;
    loss: number;
    accuracy?: number;
    valLoss?: number;
    valAccuracy?: number;
    /** Training samples over training time, all epochs. */
    samplesPerSecond: number;
    trainSeconds: number;
    params: number;
    /** Exact training FLOPs (forward + backward per sample × samples seen), see nn-core's accounting. */
    trainingFlops: number;
  };
  history: EpochStats[];
  /** The trained model (nn-core's saved JSON), or null when it is over the size a result may carry. */
  model: SavedModel | null;
  modelBytes: number;
  modelNote?: string;
};

export type NnTrainOptions = ExecutorOptions<NnTrainProgress>;

/**
 * Starts an nn-train job in a child process. The payload is checked first (a bad one is refused
 * without starting anything, the fields named); `onProgress` hears every epoch.
 */
export function startNnTrain(payload: unknown, opts: NnTrainOptions): RunningExecutor {
  // The child sends each epoch once; the history is put together here, so that the pipe carries
  // O(epochs) bytes rather than O(epochs²).
  const history: EpochStats[] = [];
  return startExecutor('nn-train', nnTrainPayload, payload, opts, (m) => {
    const { stats, ...rest } = m as EpochMessage;
    history.push(stats);
    return { ...rest, history: history.slice() };
  });
}

/** What the child sends each epoch: the progress without the history, and the epoch's own stats. */
type EpochMessage = Omit<NnTrainProgress, 'history'> & { stats: EpochStats };

const mb = (bytes: number) =>
  bytes < 1024 * 1024
    ? `${Math.ceil(bytes / 1024)} kB`
    : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

/** The child's work: load the best backend, make the data, train, save. */
export async function trainJob(payload: NnTrainPayload, io: JobIo): Promise<NnTrainOutput> {
  const nn = await import('@wattwise/nn-core');
  const backend = await nn.backendReport();
  if (!backend.chosen) throw new Error('no TensorFlow.js backend loaded');
  const why = backend.backends
    .filter((b) => !b.loaded)
    .map((b) => `${b.name}: ${b.reason}`)
    .join('; ');
  io.say(`backend ${backend.chosen}${why ? ` (not loaded: ${why})` : ''}`);

  const ds = payload.dataset;
  let data;
  if (ds.type === 'builtin') {
    data = nn.builtinDataset(ds.name, { size: ds.samples, seed: ds.seed });
  } else {
    try {
      data = nn.parseCsvDataset(ds.csv, {
        target: ds.label,
        categorical: ds.categorical,
        name: 'csv',
      });
    } catch (err) {
      if (err instanceof nn.CsvError)
        throw new JobInputError(`dataset.csv: ${err.message}`, 'dataset.csv');
      throw err;
    }
  }

  let optimizer = payload.optimizer ?? payload.spec.optimizer;
  if (payload.learningRate !== undefined)
    optimizer = { ...optimizer, learningRate: payload.learningRate };
  const spec = { ...payload.spec, optimizer };
  const last = spec.layers.length - 1;
  const columns = data.featureNames ? ` (${data.featureNames.join(', ')})` : '';
  if (spec.inputs !== data.inputs)
    throw new JobInputError(
      `spec.inputs: must be ${data.inputs}: the dataset has ${data.inputs} inputs per sample${columns}`,
      'spec.inputs',
    );
  if (spec.layers[last]!.units !== data.outputs)
    throw new JobInputError(
      `spec.layers.${last}.units: must be ${data.outputs}: the dataset has ${data.outputs} target value${data.outputs === 1 ? '' : 's'} per sample${data.classes ? ` (classes ${data.classes.join(', ')})` : ''}`,
      `spec.layers.${last}.units`,
    );
  const held = Math.floor(data.size * payload.validationSplit);
  if (held >= data.size)
    throw new JobInputError(
      `validationSplit: leaves none of the ${data.size} samples to train on`,
      'validationSplit',
    );

  const account = nn.denseAccount(spec, { batchSize: payload.batchSize });
  io.say(
    `training ${account.params} parameters on ${data.size} samples (${data.size - held} train, ${held} validation), ${payload.epochs} epochs`,
  );

  const history: EpochStats[] = [];
  const result = await nn.train(spec, data, {
    epochs: payload.epochs,
    batchSize: payload.batchSize,
    validationSplit: payload.validationSplit,
    ...(payload.seed !== undefined ? { seed: payload.seed } : {}),
    onProgress: (stats) => {
      history.push(stats);
      io.progress({
        epoch: stats.epoch,
        epochs: payload.epochs,
        loss: stats.loss,
        ...(stats.accuracy !== undefined ? { accuracy: stats.accuracy } : {}),
        ...(stats.valLoss !== undefined ? { valLoss: stats.valLoss } : {}),
        ...(stats.valAccuracy !== undefined ? { valAccuracy: stats.valAccuracy } : {}),
        samplesPerSecond: stats.samplesPerSecond,
        stats,
      } satisfies EpochMessage);
    },
  });

  try {
    const classification = spec.loss !== 'mse';
    let baseline: NnTrainOutput['baseline'] = null;
    if (classification) {
      const b = nn.majorityBaseline(data);
      baseline = { accuracy: b.accuracy, majorityClass: b.majorityClass };
    }

    const saved = await nn.saveModel(result.model);
    const modelBytes = Buffer.byteLength(JSON.stringify(saved), 'utf8');
    const over = modelBytes > NN_LIMITS.modelBytes;
    const lastEpoch = history[history.length - 1]!;
    const trainSeconds = history.reduce((s, h) => s + h.seconds, 0);
    const samplesSeen = history.reduce((s, h) => s + h.samples, 0);
    const output: NnTrainOutput = {
      kind: 'nn-train',
      backend: { ...backend, used: result.backend },
      dataset: {
        type: ds.type,
        name: data.name,
        samples: data.size,
        inputs: data.inputs,
        outputs: data.outputs,
        trainSamples: data.size - held,
        validationSamples: held,
        ...(data.featureNames ? { featureNames: data.featureNames } : {}),
        ...(data.classes ? { classes: data.classes } : {}),
      },
      baseline,
      metrics: {
        epochs: history.length,
        loss: lastEpoch.loss,
        ...(lastEpoch.accuracy !== undefined ? { accuracy: lastEpoch.accuracy } : {}),
        ...(lastEpoch.valLoss !== undefined ? { valLoss: lastEpoch.valLoss } : {}),
        ...(lastEpoch.valAccuracy !== undefined ? { valAccuracy: lastEpoch.valAccuracy } : {}),
        samplesPerSecond: trainSeconds > 0 ? samplesSeen / trainSeconds : 0,
        trainSeconds,
        params: account.params,
        trainingFlops: account.trainingFlopsPerSample * samplesSeen,
      },
      history,
      model: over ? null : saved,
      modelBytes,
      ...(over
        ? {
            modelNote: `the saved model is ${mb(modelBytes)}, over the ${mb(NN_LIMITS.modelBytes)} a result may carry: left out`,
          }
        : {}),
    };
    const score = lastEpoch.valAccuracy ?? lastEpoch.accuracy;
    io.say(
      `done: loss ${lastEpoch.loss.toPrecision(4)}${score !== undefined ? `, accuracy ${score.toFixed(4)}` : ''}${baseline ? ` (majority baseline ${baseline.accuracy.toFixed(4)})` : ''}; model ${over ? 'left out' : mb(modelBytes)}`,
    );
    return output;
  } finally {
    result.model.dispose();
  }
}
