// The `@wattwise/nn-core/spec` entry: model specs and their accounting, with no TensorFlow import.
export { activations, denseLayerSpec, denseParams } from './dense';
export type { DenseLayerSpec } from './dense';
