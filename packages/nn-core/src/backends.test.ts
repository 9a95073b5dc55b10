import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { BACKEND_ORDER, backendReport } from './backends';

describe('backendReport', () => {
  it('tries every backend in order, says why each failure failed, and activates the best that loads', async () => {
    const report = await backendReport();
    expect(report.backends.map((b) => b.name)).toEqual([...BACKEND_ORDER]);
    for (const b of report.backends) {
      if (b.loaded) expect(b.reason).toBeUndefined();
      else expect(b.reason?.trim().length).toBeGreaterThan(0);
    }
    // Plain JS always works, and the wasm binaries ship inside the package, so both load offline.
    expect(report.backends.find((b) => b.name === 'cpu')?.loaded).toBe(true);
    expect(report.backends.find((b) => b.name === 'wasm')?.loaded).toBe(true);
    expect(report.chosen).toBe(report.backends.find((b) => b.loaded)?.name);
    expect(tf.getBackend()).toBe(report.chosen === 'tensorflow-gpu' ? 'tensorflow' : report.chosen);

    // The chosen backend computes.
    const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).arraySync());
    expect(sum).toEqual([4, 6]);
  });

  it('gives the native packages a reason when their libtensorflow is missing', async () => {
    const report = await backendReport();
    const native = report.backends.find((b) => b.name === 'tensorflow')!;
    // Here the optional native package is installed without its native part; where it is built
    // this backend loads and has no reason.
    if (!native.loaded) {
      expect(native.reason).toMatch(/\S/);
      expect(native.reason).not.toContain('\n');
    }
  });

  it('reports where it looked when the wasm binaries are not there', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'wattwise-wasm-'));
    try {
      const report = await backendReport({ wasmDir: empty });
      const wasm = report.backends.find((b) => b.name === 'wasm')!;
      expect(wasm.loaded).toBe(false);
      expect(wasm.reason).toContain(empty);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
