import * as tf from '@tensorflow/tfjs';
// Registers the wasm backend and its stock kernels, the one this module wraps among them.
import '@tensorflow/tfjs-backend-wasm';

/*
 * The stock wasm BatchMatMul is 12–25× slower when an operand is transposed (its transposed path
 * skips the fast XNNPACK routine), and every dense layer's backward pass multiplies by a transpose:
 * ∂E/∂W = xᵀ·δ and ∂E/∂x = δ·Wᵀ. A transpose is a cheap copy, so this kernel transposes and calls
 * the stock kernel on a plain product, choosing between two ways to get there:
 *   direct:  op(A)·op(B), transposing whichever operand is flagged;
 *   swapped: (op(B)ᵀ·op(A)ᵀ)ᵀ, where a flagged operand is used as it lies and the result is
 *            transposed back.
 * XNNPACK repacks the right-hand operand of every product it has not seen (and in training every
 * operand is new each step: the weights change, the activations and deltas are fresh), so the cost
 * of each way is the values it transposes plus the values it packs. Packing a value costs about
 * PACK_COST times as much as transposing one (about 13 ns against 1.2–1.8 ns each for 784×512 and
 * 128×784 operands), so the right-hand side should be the smaller operand. That holds for plain
 * products too: x·W with a 128×784 batch and a new 784×512 W packs W (10.7 ms against 5.8 ms with W
 * already packed), while (Wᵀ·xᵀ)ᵀ packs only xᵀ and transposes three times (6.9 ms in all), so an
 * unbatched plain product takes the swapped way when that moves less. The stock kernel takes its
 * fast path only for unbatched products (a batch dimension of 1), so batched ones stay slow either
 * way, and batched plain products go to it untouched.
 */

/** What XNNPACK's packing of one right-hand value costs, in transposed values. */
const PACK_COST = 8;

type Backend = { disposeData(dataId: object): void };
type MatMulAttrs = { transposeA: boolean; transposeB: boolean };

const NAME = 'BatchMatMul';
const BACKEND = 'wasm';

let stock: tf.KernelConfig | undefined;
let fast: tf.KernelConfig | undefined;

/** The stock kernel, captured before this module replaces it. */
function stockKernel(): tf.KernelConfig {
  if (!stock) {
    const current = tf.getKernel(NAME, BACKEND);
    if (!current) throw new Error('the wasm backend has no BatchMatMul kernel registered');
    stock = current;
  }
  return stock;
}

function fastKernel(): tf.KernelConfig {
  if (fast) return fast;
  const plain = stockKernel();
  const transpose = tf.getKernel('Transpose', BACKEND);
  if (!transpose) throw new Error('the wasm backend has no Transpose kernel registered');
  const swapLastTwo = (x: tf.TensorInfo, backend: object): tf.TensorInfo => {
    const perm = x.shape.map((_, i) => i);
    const r = perm.length;
    perm[r - 2] = r - 1;
    perm[r - 1] = r - 2;
    return transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
  };
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { transposeA, transposeB } = attrs as unknown as MatMulAttrs;
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const plainAttrs = { ...attrs, transposeA: false, transposeB: false };
    const temporary: tf.TensorInfo[] = [];
    const swapped = (x: tf.TensorInfo) => {
      const t = swapLastTwo(x, backend);
      temporary.push(t);
      return t;
    };
    const size = (x: tf.TensorInfo) => x.shape.reduce((p, d) => p * d, 1);
    // Empty operands: nothing to speed up.
    if (size(a) === 0 || size(b) === 0) return plain.kernelFunc({ inputs, backend, attrs });
    const matrix = (x: tf.TensorInfo) =>
      x.shape[x.shape.length - 1]! * x.shape[x.shape.length - 2]!;
    const rows = a.shape[a.shape.length - (transposeA ? 1 : 2)]!;
    const cols = b.shape[b.shape.length - (transposeB ? 2 : 1)]!;
    const batch = Math.max(size(a) / matrix(a), size(b) / matrix(b));
    const direct = (transposeA ? size(a) : 0) + (transposeB ? size(b) : 0) + PACK_COST * size(b);
    const viaSwap =
      (transposeA ? 0 : size(a)) +
      (transposeB ? 0 : size(b)) +
      PACK_COST * size(a) +
      batch * rows * cols;
    if (!transposeA && !transposeB && (batch !== 1 || direct <= viaSwap))
      return plain.kernelFunc({ inputs, backend, attrs });
    try {
      if (direct <= viaSwap) {
        const at = transposeA ? swapped(a) : a;
        const bt = transposeB ? swapped(b) : b;
        return plain.kernelFunc({ inputs: { a: at, b: bt }, backend, attrs: plainAttrs });
      }
      // op(B)ᵀ is B itself when B is flagged, op(A)ᵀ is A itself when A is.
      const left = transposeB ? b : swapped(b);
      const right = transposeA ? a : swapped(a);
      const product = plain.kernelFunc({
        inputs: { a: left, b: right },
        backend,
        attrs: plainAttrs,
      }) as tf.TensorInfo;
      temporary.push(product);
      return swapLastTwo(product, backend);
    } finally {
      // The copies live only inside this kernel; the engine never sees them.
      for (const t of temporary) (backend as unknown as Backend).disposeData(t.dataId);
    }
  };
  fast = { kernelName: NAME, backendName: BACKEND, setupFunc: plain.setupFunc, kernelFunc };
  return fast;
}

/** Whether the wasm backend's BatchMatMul is ours (transpose, then the plain product). */
export function fastWasmMatMulEnabled(): boolean {
  const current = tf.getKernel(NAME, BACKEND);
  return fast !== undefined && current?.kernelFunc === fast.kernelFunc;
}

/**
 * Turns our wasm BatchMatMul on (the default once `backendReport` loads wasm) or back to the stock
 * kernel. It takes effect for the next operation; no other backend is touched.
 */
export function setFastWasmMatMul(enabled: boolean): void {
  if (enabled === fastWasmMatMulEnabled()) return;
  const next = enabled ? fastKernel() : stockKernel();
  tf.unregisterKernel(NAME, BACKEND);
  tf.registerKernel(next);
}
