// The `@wattwise/nn-core/reference` entry: the float64 dense reference and the worked example, no TensorFlow.
export {
  activate,
  activationBackward,
  backprop,
  batchLoss,
  forward as referenceForward,
  gradients,
  lossGradient,
  lossValue,
  numericGradients,
  sgdStep,
} from './dense';
export type { Backprop, Forward, Gradients, RefLayer, RefLoss, RefNet } from './dense';
export { workedExample } from './worked-example';
export type { WorkedExample } from './worked-example';
