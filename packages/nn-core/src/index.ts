// The `@wattwise/nn-core` entry: training and inference on TensorFlow.js, plus everything the
// TensorFlow-free entries (`./spec`, `./reference`, `./gpus`) export.
export * from './spec/index';
export * from './reference/index';
export { BACKEND_ORDER, backendReport } from './backends';
export type { BackendName, BackendReport, BackendReportOptions, BackendStatus } from './backends';
export { NVIDIA_SMI_ARGS, detectGpus, parseNvidiaSmiGpus } from './gpus';
export type { DetectGpusOptions, GpuDetection, GpuInfo } from './gpus';
export { fastWasmMatMulEnabled, setFastWasmMatMul } from './kernels/wasm-matmul';
export { buildModel, forward } from './model';
export type { Model } from './model';
export { lossFunction } from './losses';
export { makeOptimizer } from './optimizers';
export { createTrainStep, train } from './train';
export type { EarlyStopping, EpochStats, TrainOptions, TrainResult, TrainStep } from './train';
export { evaluate, predict } from './predict';
export { loadModel, SAVED_MODEL_FORMAT, saveModel, savedModel } from './persist';
export type { SavedModel } from './persist';
export { runSeedDemo, SEED_DEMO_BASELINE_WHY } from './seed-demo';
export type { SeedDemoOptions, SeedDemoResult } from './seed-demo';
export {
  builtinDataset,
  BUILTIN_DATASETS,
  gaussianBlobsData,
  seedDemoData,
  twoSpiralsData,
  xorData,
} from './data/builtin';
export type { BuiltinDatasetName, DatasetOptions } from './data/builtin';
export { datasetFromRows, inputRow, majorityBaseline, targetRow } from './data/dataset';
export type { Dataset } from './data/dataset';
export { CsvError, parseCsvDataset } from './data/csv';
export type { CsvOptions } from './data/csv';
export { createRandom, permutation } from './data/random';
export type { Random } from './data/random';
