// The `@wattwise/nn-core/spec` entry: model specs and their accounting, with no TensorFlow import.
export { activations, denseLayerSpec, denseParams, initializers, initializerSpec } from './dense';
export type { Activation, DenseLayerSpec, InitializerSpec } from './dense';
export { losses, optimizerSpec, OPTIMIZER_SLOTS } from './training';
export type { Loss, OptimizerName, OptimizerSpec } from './training';
export { denseNetSpec } from './network';
export type { DenseNetSpec, DenseNetSpecInput } from './network';
export { transformerAccount, transformerSpec } from './transformer';
export type { TransformerAccount, TransformerSpec } from './transformer';
export {
  ACTIVATION_FLOPS,
  ACTIVATION_GRAD_FLOPS,
  denseAccount,
  denseLayerAccount,
  sixND,
} from './accounting';
export type { DenseAccount, DenseLayerAccount, MemoryAccount, MemoryOptions } from './accounting';
export { account, modelSpec, parseModelSpec, SpecError } from './model';
export type { Account, ModelSpec, ModelSpecInput } from './model';
