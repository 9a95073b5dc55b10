import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { backendReport } from '../backends';
import { createRandom } from '../data/random';
import { maxRelativeError } from '../reference/fixtures';
import { fastWasmMatMulEnabled, setFastWasmMatMul } from './wasm-matmul';

/** a·b (with the transposes asked) on the wasm backend, with the stock kernel or ours. */
function product(
  fast: boolean,
  a: tf.Tensor,
  b: tf.Tensor,
  ta: boolean,
  tb: boolean,
): Float32Array {
  setFastWasmMatMul(fast);
  return tf.tidy(() => tf.matMul(a, b, ta, tb).dataSync() as Float32Array);
}

describe('wasm BatchMatMul override', () => {
  let previous: string;
  beforeAll(async () => {
    await backendReport();
    previous = tf.getBackend();
    expect(await tf.setBackend('wasm')).toBe(true);
  });
  afterAll(async () => {
    setFastWasmMatMul(true);
    await tf.setBackend(previous);
  });

  it('is on once backendReport has loaded wasm, and the switch turns it off and on', () => {
    expect(fastWasmMatMulEnabled()).toBe(true);
    setFastWasmMatMul(false);
    expect(fastWasmMatMulEnabled()).toBe(false);
    setFastWasmMatMul(true);
    expect(fastWasmMatMulEnabled()).toBe(true);
  });

  it('equals the stock kernel within 1e-4 relative on random shapes, every transpose, batched too', () => {
    const r = createRandom(2024);
    const before = tf.memory().numTensors;
    // The backward shapes of a 196→128 layer at batch 32 (∂E/∂W = xᵀ·δ, ∂E/∂x = δ·Wᵀ): the first
    // goes the direct way through the kernel, the second the swapped way; then random shapes.
    const fixed = [
      { ta: true, tb: false, m: 196, k: 32, n: 128, batch: [] as number[] },
      { ta: false, tb: true, m: 32, k: 128, n: 196, batch: [] as number[] },
    ];
    for (let trial = 0; trial < 26; trial++) {
      const given = fixed[trial - 24];
      const ta = given ? given.ta : trial % 2 === 1;
      const tb = given ? given.tb : (trial >> 1) % 2 === 1;
      const [m, k, n] = given
        ? [given.m, given.k, given.n]
        : [1 + r.int(70), 1 + r.int(130), 1 + r.int(70)];
      // A third of the random trials are batched (rank 3), some broadcasting a batch of 1.
      const batch = given ? given.batch : trial % 3 === 2 ? [1 + r.int(4)] : [];
      const bBatch = batch.length && trial % 6 === 5 ? [1] : batch;
      const a = tf.randomNormal([...batch, ...(ta ? [k, m] : [m, k])], 0, 1, 'float32', trial);
      const b = tf.randomNormal(
        [...bBatch, ...(tb ? [n, k] : [k, n])],
        0,
        1,
        'float32',
        trial + 99,
      );
      const stock = product(false, a, b, ta, tb);
      const ours = product(true, a, b, ta, tb);
      expect(ours.length).toBe(stock.length);
      expect(
        maxRelativeError(ours, stock),
        `${batch}×${m}×${k}×${n} ta=${ta} tb=${tb}`,
      ).toBeLessThan(1e-4);
      tf.dispose([a, b]);
    }
    // The transposed copies are freed inside the kernel: nothing is left behind.
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the same gradients through a dense layer', () => {
    const x = tf.randomNormal([16, 9], 0, 1, 'float32', 1);
    const w = tf.randomNormal([9, 5], 0, 1, 'float32', 2);
    const grads = (fast: boolean) => {
      setFastWasmMatMul(fast);
      return tf.tidy(() => {
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.relu(tf.matMul(a, b))))([
          x,
          w,
        ]);
        return g.map((t) => t.dataSync() as Float32Array);
      });
    };
    const [sx, sw] = grads(false);
    const [fx, fw] = grads(true);
    expect(maxRelativeError(fx!, sx!)).toBeLessThan(1e-4);
    expect(maxRelativeError(fw!, sw!)).toBeLessThan(1e-4);
    tf.dispose([x, w]);
  });
});
