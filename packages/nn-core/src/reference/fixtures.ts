// Random networks and batches for the gradient tests (test support, not exported).
import type { Activation } from '../spec/dense';
import { createRandom } from '../data/random';
import type { Gradients, RefLoss, RefNet } from './dense';

export function randomNet(o: {
  sizes: number[];
  hidden: Activation;
  output: Activation;
  loss: RefLoss;
  seed: number;
}): RefNet {
  const r = createRandom(o.seed);
  const layers = o.sizes.slice(1).map((units, l) => {
    const inputs = o.sizes[l]!;
    const scale = 1 / Math.sqrt(inputs);
    return {
      weights: Array.from({ length: units }, () =>
        Array.from({ length: inputs }, () => r.normal() * scale),
      ),
      biases: Array.from({ length: units }, () => r.normal() * 0.1),
      activation: l === o.sizes.length - 2 ? o.output : o.hidden,
    };
  });
  return { layers, loss: o.loss };
}

/** Inputs from a standard normal; targets that suit the loss (0/1, one-hot, or real). */
export function randomBatch(o: {
  inputs: number;
  outputs: number;
  size: number;
  loss: RefLoss;
  seed: number;
}): { xs: number[][]; ys: number[][] } {
  const r = createRandom(o.seed);
  const xs = Array.from({ length: o.size }, () =>
    Array.from({ length: o.inputs }, () => r.normal()),
  );
  const ys = Array.from({ length: o.size }, () => {
    if (o.loss === 'binaryCrossentropy')
      return Array.from({ length: o.outputs }, () => (r.next() < 0.5 ? 0 : 1));
    if (o.loss === 'categoricalCrossentropy') {
      const hot = r.int(o.outputs);
      return Array.from({ length: o.outputs }, (_, i) => (i === hot ? 1 : 0));
    }
    return Array.from({ length: o.outputs }, () => r.normal());
  });
  return { xs, ys };
}

/** Every weight, then every bias, layer by layer. */
export function flatten(g: Pick<Gradients, 'weights' | 'biases'>): number[] {
  return [...g.weights.flat(2), ...g.biases.flat()];
}

/** max |a − b| / max |b|: the error relative to the largest value, so near-zero entries do not blow it up. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale === 0 ? err : err / scale;
}
