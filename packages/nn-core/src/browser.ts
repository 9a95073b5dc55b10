/**
 * Browser entry: the training pieces without the backend report (whose optional native imports
 * and `node:fs` a browser bundle cannot take), and TensorFlow.js itself, so that a page trains
 * with the same modules and the same tfjs copy as nn-core.
 */
export * as tf from '@tensorflow/tfjs';
export { buildModel } from './model';
export type { Model } from './model';
export { createTrainStep } from './train';
export { makeOptimizer } from './optimizers';
export { evaluate, predict } from './predict';
export { builtinDataset } from './data/builtin';
export { datasetFromRows, majorityBaseline } from './data/dataset';
export type { Dataset } from './data/dataset';
export { createRandom, permutation } from './data/random';
export type { Random } from './data/random';
