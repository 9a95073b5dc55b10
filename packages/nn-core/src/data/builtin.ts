import type { Dataset } from './dataset';
import { datasetFromRows } from './dataset';
import { createRandom } from './random';

export type DatasetOptions = { size?: number; seed?: number };

/**
 * The seed demo: points uniform in [0, 1]², label 1 when x1 + x2 > 0.5. Only the corner triangle
 * below the line is class 0, with area ½·0.5·0.5 = 0.125, so 87.5 % of points are class 1.
 */
export function seedDemoData({ size = 100, seed = 0 }: DatasetOptions = {}): Dataset {
  const r = createRandom(seed);
  const xs: number[][] = [];
  const ys: number[][] = [];
  for (let i = 0; i < size; i++) {
    const x1 = r.next();
    const x2 = r.next();
    xs.push([x1, x2]);
    ys.push([x1 + x2 > 0.5 ? 1 : 0]);
  }
  return datasetFromRows('seed-demo', xs, ys);
}

/** Four Gaussian clusters at the corners of the unit square, labelled x1 XOR x2 of their corner. */
export function xorData({
  size = 200,
  seed = 0,
  noise = 0.1,
}: DatasetOptions & { noise?: number } = {}): Dataset {
  const r = createRandom(seed);
  const xs: number[][] = [];
  const ys: number[][] = [];
  for (let i = 0; i < size; i++) {
    const a = i % 2;
    const b = (i >> 1) % 2;
    xs.push([a + noise * r.normal(), b + noise * r.normal()]);
    ys.push([a ^ b]);
  }
  return datasetFromRows('xor', xs, ys);
}

/** Two interleaved spirals (label 0 and 1), each turning `turns` times out to radius 1. */
export function twoSpiralsData({
  size = 300,
  seed = 0,
  noise = 0.02,
  turns = 1.5,
}: DatasetOptions & { noise?: number; turns?: number } = {}): Dataset {
  const r = createRandom(seed);
  const xs: number[][] = [];
  const ys: number[][] = [];
  for (let i = 0; i < size; i++) {
    const label = i % 2;
    const t = 0.05 + 0.95 * r.next();
    const angle = 2 * Math.PI * turns * t;
    const sign = label === 0 ? 1 : -1;
    xs.push([
      sign * t * Math.cos(angle) + noise * r.normal(),
      sign * t * Math.sin(angle) + noise * r.normal(),
    ]);
    ys.push([label]);
  }
  return datasetFromRows('two-spirals', xs, ys);
}

/** `classes` Gaussian blobs with centres evenly spaced on a circle of radius `spread`; one-hot labels. */
export function gaussianBlobsData({
  size = 300,
  seed = 0,
  classes = 3,
  std = 0.5,
  spread = 2,
}: DatasetOptions & { classes?: number; std?: number; spread?: number } = {}): Dataset {
  if (!Number.isInteger(classes) || classes < 2)
    throw new RangeError(`classes must be an integer ≥ 2, got ${classes}`);
  const r = createRandom(seed);
  const xs: number[][] = [];
  const ys: number[][] = [];
  for (let i = 0; i < size; i++) {
    const c = i % classes;
    const angle = (2 * Math.PI * c) / classes;
    xs.push([
      spread * Math.cos(angle) + std * r.normal(),
      spread * Math.sin(angle) + std * r.normal(),
    ]);
    ys.push(Array.from({ length: classes }, (_, k) => (k === c ? 1 : 0)));
  }
  const d = datasetFromRows('gaussian-blobs', xs, ys);
  return { ...d, classes: Array.from({ length: classes }, (_, k) => `blob ${k}`) };
}

export const BUILTIN_DATASETS = {
  'seed-demo': seedDemoData,
  xor: xorData,
  'two-spirals': twoSpiralsData,
  'gaussian-blobs': gaussianBlobsData,
} as const;

export type BuiltinDatasetName = keyof typeof BUILTIN_DATASETS;

/** A built-in dataset by name, seeded. */
export function builtinDataset(name: BuiltinDatasetName, opts: DatasetOptions = {}): Dataset {
  const make = BUILTIN_DATASETS[name] as ((o: DatasetOptions) => Dataset) | undefined;
  if (!make)
    throw new RangeError(
      `no built-in dataset "${name}" (known: ${Object.keys(BUILTIN_DATASETS).join(', ')})`,
    );
  return make(opts);
}
