/*
 * A plain float64 implementation of dense networks, the textbook way, to check TensorFlow.js against.
 * Column convention: a layer computes z = W·x + b, a = f(z), with W of shape units × inputs.
 * Backward: δ = ∂E/∂z = f'(z) ⊙ ∂E/∂a; ∂E/∂W = δ·xᵀ; ∂E/∂b = δ; ∂E/∂x = Wᵀ·δ.
 * Batch losses are means over samples, as TensorFlow.js takes them.
 */
import type { Activation } from '../spec/dense';
import type { Loss } from '../spec/training';

/** The spec's losses, plus the textbook E = ½·Σ(y − ŷ)² of the worked example. */
export type RefLoss = Loss | 'halfSquared';

export type RefLayer = {
  /** units × inputs */
  weights: number[][];
  biases: number[];
  activation: Activation;
};

export type RefNet = { layers: RefLayer[]; loss: RefLoss };

export function activate(f: Activation, z: number[]): number[] {
  switch (f) {
    case 'linear':
      return z.slice();
    case 'relu':
      return z.map((v) => Math.max(0, v));
    case 'sigmoid':
      return z.map((v) => 1 / (1 + Math.exp(-v)));
    case 'tanh':
      return z.map(Math.tanh);
    case 'softmax': {
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const s = e.reduce((x, y) => x + y, 0);
      return e.map((v) => v / s);
    }
  }
}

/** ∂E/∂z from ∂E/∂a: f'(z) ⊙ ∂E/∂a, and for softmax its Jacobian, a ⊙ (∂E/∂a − a·∂E/∂a). */
export function activationBackward(
  f: Activation,
  z: number[],
  a: number[],
  da: number[],
): number[] {
  switch (f) {
    case 'linear':
      return da.slice();
    case 'relu':
      return da.map((g, i) => (z[i]! > 0 ? g : 0));
    case 'sigmoid':
      return da.map((g, i) => g * a[i]! * (1 - a[i]!));
    case 'tanh':
      return da.map((g, i) => g * (1 - a[i]! * a[i]!));
    case 'softmax': {
      const dot = a.reduce((s, v, i) => s + v * da[i]!, 0);
      return a.map((v, i) => v * (da[i]! - dot));
    }
  }
}

/** One sample's loss. mse and binary cross-entropy average over outputs (as Keras does). */
export function lossValue(loss: RefLoss, y: number[], p: number[]): number {
  const k = y.length;
  let s = 0;
  for (let i = 0; i < k; i++) {
    const t = y[i]!;
    const q = p[i]!;
    if (loss === 'mse') s += (q - t) ** 2 / k;
    else if (loss === 'halfSquared') s += 0.5 * (t - q) ** 2;
    else if (loss === 'binaryCrossentropy') s -= (t * Math.log(q) + (1 - t) * Math.log(1 - q)) / k;
    else s -= t * Math.log(q);
  }
  return s;
}

/** ∂E/∂ŷ for one sample. */
export function lossGradient(loss: RefLoss, y: number[], p: number[]): number[] {
  const k = y.length;
  return p.map((q, i) => {
    const t = y[i]!;
    if (loss === 'mse') return (2 * (q - t)) / k;
    if (loss === 'halfSquared') return q - t;
    if (loss === 'binaryCrossentropy') return (q - t) / (q * (1 - q)) / k;
    return -t / q;
  });
}

export type Forward = {
  /** z[l]: layer l's pre-activation. */
  z: number[][];
  /** a[0] is the input; a[l + 1] is layer l's output. */
  a: number[][];
};

export function forward(net: RefNet, x: number[]): Forward {
  const z: number[][] = [];
  const a: number[][] = [x.slice()];
  for (const layer of net.layers) {
    const input = a[a.length - 1]!;
    const zl = layer.weights.map(
      (row, j) => row.reduce((s, w, i) => s + w * input[i]!, 0) + layer.biases[j]!,
    );
    z.push(zl);
    a.push(activate(layer.activation, zl));
  }
  return { z, a };
}

export type Backprop = Forward & {
  loss: number;
  /** δ[l] = ∂E/∂z of layer l. */
  deltas: number[][];
  /** ∂E/∂W per layer, units × inputs. */
  weightGradients: number[][][];
  biasGradients: number[][];
};

/** Forward and backward for one sample. */
export function backprop(net: RefNet, x: number[], y: number[]): Backprop {
  const f = forward(net, x);
  const out = f.a[f.a.length - 1]!;
  const deltas: number[][] = new Array<number[]>(net.layers.length);
  const weightGradients: number[][][] = new Array<number[][]>(net.layers.length);
  let da = lossGradient(net.loss, y, out);
  for (let l = net.layers.length - 1; l >= 0; l--) {
    const layer = net.layers[l]!;
    const delta = activationBackward(layer.activation, f.z[l]!, f.a[l + 1]!, da);
    deltas[l] = delta;
    const input = f.a[l]!;
    weightGradients[l] = delta.map((d) => input.map((v) => d * v));
    da = input.map((_, i) => layer.weights.reduce((s, row, j) => s + row[i]! * delta[j]!, 0));
  }
  return {
    ...f,
    loss: lossValue(net.loss, y, out),
    deltas,
    weightGradients,
    biasGradients: deltas.map((d) => d.slice()),
  };
}

export type Gradients = { loss: number; weights: number[][][]; biases: number[][] };

/** The mean loss over a batch and its gradient with respect to every weight and bias. */
export function gradients(net: RefNet, xs: number[][], ys: number[][]): Gradients {
  const n = xs.length;
  const sum: Gradients = {
    loss: 0,
    weights: net.layers.map((l) => l.weights.map((row) => row.map(() => 0))),
    biases: net.layers.map((l) => l.biases.map(() => 0)),
  };
  xs.forEach((x, s) => {
    const b = backprop(net, x, ys[s]!);
    sum.loss += b.loss / n;
    b.weightGradients.forEach((g, l) =>
      g.forEach((row, j) => row.forEach((v, i) => (sum.weights[l]![j]![i]! += v / n))),
    );
    b.biasGradients.forEach((g, l) => g.forEach((v, j) => (sum.biases[l]![j]! += v / n)));
  });
  return sum;
}

/** The mean loss over a batch. */
export function batchLoss(net: RefNet, xs: number[][], ys: number[][]): number {
  return xs.reduce((s, x, i) => {
    const a = forward(net, x).a;
    return s + lossValue(net.loss, ys[i]!, a[a.length - 1]!) / xs.length;
  }, 0);
}

/** Plain gradient descent: w ← w − η·∂E/∂w. */
export function sgdStep(net: RefNet, g: Gradients, learningRate: number): RefNet {
  return {
    loss: net.loss,
    layers: net.layers.map((layer, l) => ({
      activation: layer.activation,
      weights: layer.weights.map((row, j) =>
        row.map((w, i) => w - learningRate * g.weights[l]![j]![i]!),
      ),
      biases: layer.biases.map((b, j) => b - learningRate * g.biases[l]![j]!),
    })),
  };
}

/** Central finite differences of the batch loss, (E(w + h) − E(w − h)) / 2h, for every parameter. */
export function numericGradients(net: RefNet, xs: number[][], ys: number[][], h = 1e-6): Gradients {
  const at = (l: number, set: (layer: RefLayer, v: number) => void, v: number) => {
    const copy: RefNet = structuredClone(net);
    set(copy.layers[l]!, v);
    return batchLoss(copy, xs, ys);
  };
  return {
    loss: batchLoss(net, xs, ys),
    weights: net.layers.map((layer, l) =>
      layer.weights.map((row, j) =>
        row.map((w, i) => {
          const set = (c: RefLayer, v: number) => (c.weights[j]![i] = v);
          return (at(l, set, w + h) - at(l, set, w - h)) / (2 * h);
        }),
      ),
    ),
    biases: net.layers.map((layer, l) =>
      layer.biases.map((b, j) => {
        const set = (c: RefLayer, v: number) => (c.biases[j] = v);
        return (at(l, set, b + h) - at(l, set, b - h)) / (2 * h);
      }),
    ),
  };
}
