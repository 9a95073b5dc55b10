import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs';

import { fastWasmMatMulEnabled, setFastWasmMatMul } from './kernels/wasm-matmul';

/** The TensorFlow.js backends nn-core can run on, best first. */
export const BACKEND_ORDER = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];

export type BackendStatus = {
  name: BackendName;
  /** The package that provides it. */
  module: string;
  loaded: boolean;
  /** Why it did not load (the first line of the error), when it did not. */
  reason?: string;
};

export type BackendReport = {
  /** The backend now active in TensorFlow.js: the first in {@link BACKEND_ORDER} that loaded. */
  chosen: BackendName | null;
  backends: BackendStatus[];
  /** Whether wasm runs our BatchMatMul (transpose, then the plain product) rather than the stock one. */
  fastWasmMatMul: boolean;
};

export type BackendReportOptions = {
  /** Directory holding `tfjs-backend-wasm*.wasm`; default: beside a bundled app, else the package's dist. */
  wasmDir?: string;
  /** Replace the wasm backend's slow transposed BatchMatMul (default true); see kernels/wasm-matmul. */
  fastWasmMatMul?: boolean;
};

const MODULES: Record<BackendName, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs',
};

/** The id TensorFlow.js registers each backend under (both native packages call theirs `tensorflow`). */
const TF_ID: Record<BackendName, string> = {
  'tensorflow-gpu': 'tensorflow',
  tensorflow: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

const WASM_FILE = 'tfjs-backend-wasm.wasm';

function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? text
  );
}

function describe(err: unknown): string {
  return firstLine(err instanceof Error ? err.message : String(err)) || 'unknown error';
}

/**
 * Runs `fn` with console.warn captured: importing a native package that fails half-way makes
 * TensorFlow.js warn once per kernel, and a failed backend initialisation is only told by a warning.
 */
async function capturingWarnings<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; warnings: string[] }> {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
  };
  try {
    return { value: await fn(), warnings };
  } finally {
    console.warn = original;
  }
}

/** A variable specifier, so that bundlers leave the optional native packages to be found at run time. */
function importOptional(specifier: string): Promise<unknown> {
  return import(specifier);
}

/** Where the wasm binaries are: a directory given, one beside a bundled app, or the package's dist. */
function wasmCandidates(given?: string): string[] {
  if (given) return [given];
  const out = [dirname(fileURLToPath(import.meta.url))];
  try {
    out.push(dirname(createRequire(import.meta.url).resolve(MODULES.wasm)));
  } catch {
    // not resolvable from here (e.g. inside a bundle without node_modules beside it)
  }
  return out;
}

async function activate(name: BackendName): Promise<string | null> {
  const { value: ok, warnings } = await capturingWarnings(async () => {
    const set = await tf.setBackend(TF_ID[name]);
    if (set) {
      await tf.ready();
      // The first tensor on a backend can print a banner (the cpu one does in Node): let it happen here.
      tf.scalar(0).dispose();
    }
    return set;
  });
  if (ok) return null;
  // The engine warns "Initialization of backend X failed" and then the error itself.
  const failed = warnings.findIndex((w) => w.startsWith('Initialization of backend'));
  const cause = failed >= 0 ? warnings[failed + 1] : undefined;
  return cause ? firstLine(cause) : `tf.setBackend('${TF_ID[name]}') returned false`;
}

async function probe(
  name: BackendName,
  opts: BackendReportOptions,
  native: BackendName | null,
): Promise<string | null> {
  switch (name) {
    case 'tensorflow-gpu':
    case 'tensorflow': {
      if (native) return `not tried: ${MODULES[native]} already provides the tensorflow backend`;
      try {
        await capturingWarnings(() => importOptional(MODULES[name]));
      } catch (err) {
        return describe(err);
      }
      return activate(name);
    }
    case 'wasm': {
      const dir = wasmCandidates(opts.wasmDir).find((d) => existsSync(join(d, WASM_FILE)));
      if (!dir) return `${WASM_FILE} not found in ${wasmCandidates(opts.wasmDir).join(' or ')}`;
      try {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        wasm.setWasmPaths(dir.endsWith('/') ? dir : `${dir}/`);
        setFastWasmMatMul(opts.fastWasmMatMul ?? true);
      } catch (err) {
        return describe(err);
      }
      return activate(name);
    }
    case 'cpu':
      return activate(name);
  }
}

/**
 * Tries every backend in {@link BACKEND_ORDER}, activates the best that loads and says why each
 * other one did not: the native packages need libtensorflow (and CUDA for the GPU one), which their
 * install step downloads from outside the package registry; wasm needs its .wasm files on disk.
 */
export async function backendReport(opts: BackendReportOptions = {}): Promise<BackendReport> {
  const backends: BackendStatus[] = [];
  let native: BackendName | null = null;
  for (const name of BACKEND_ORDER) {
    const reason = await probe(name, opts, native);
    if (reason === null && (name === 'tensorflow-gpu' || name === 'tensorflow')) native = name;
    backends.push({
      name,
      module: MODULES[name],
      loaded: reason === null,
      ...(reason === null ? {} : { reason }),
    });
  }
  const chosen = backends.find((b) => b.loaded)?.name ?? null;
  if (chosen) await activate(chosen);
  return { chosen, backends, fastWasmMatMul: fastWasmMatMulEnabled() };
}
