/**
 * The Playground's training settings as they sit in the URL (`?data=xor&hidden=8&lr=0.03`): which
 * built-in nn-core dataset, its seed, and the network and optimizer to train on it. Defaults are
 * left out of the URL so that a plain /playground link stays plain.
 */

/** nn-core's built-in toy sets (BUILTIN_DATASETS), with what the page says about each. */
export const PLAYGROUND_DATASETS = [
  {
    name: 'seed-demo',
    label: 'Seed demo',
    classes: 2,
    size: 100,
    note: 'uniform in the unit square, class 1 when x1 + x2 > 0.5 (87.5 % of points)',
  },
  {
    name: 'xor',
    label: 'XOR',
    classes: 2,
    size: 200,
    note: 'four clusters at the corners of the unit square, labelled x1 XOR x2',
  },
  {
    name: 'two-spirals',
    label: 'Two spirals',
    classes: 2,
    size: 300,
    note: 'two interleaved spirals; needs more hidden units and layers',
  },
  {
    name: 'gaussian-blobs',
    label: 'Gaussian blobs',
    classes: 3,
    size: 300,
    note: 'three Gaussian clusters on a circle, one class each',
  },
] as const;

export type PlaygroundDatasetName = (typeof PLAYGROUND_DATASETS)[number]['name'];
export type PlaygroundDataset = (typeof PLAYGROUND_DATASETS)[number];

export type PlaygroundState = {
  dataset: PlaygroundDatasetName;
  seed: number;
  /** Stop after this many epochs. */
  epochs: number;
  /** Adam's learning rate. */
  learningRate: number;
  /** Units per hidden layer; 0 leaves only the output layer (logistic regression). */
  hidden: number;
  /** Hidden layers (ignored when hidden is 0). */
  layers: number;
};

export const PLAYGROUND_DEFAULTS: PlaygroundState = {
  dataset: 'seed-demo',
  seed: 1,
  epochs: 200,
  learningRate: 0.03,
  hidden: 8,
  layers: 1,
};

export const PLAYGROUND_LIMITS = {
  seed: { min: 0, max: 1_000_000 },
  epochs: { min: 1, max: 5000 },
  learningRate: { min: 0.0001, max: 1 },
  hidden: { min: 0, max: 32 },
  layers: { min: 1, max: 3 },
} as const;

/** Mini-batch size of every epoch. */
export const PLAYGROUND_BATCH_SIZE = 32;

const KEYS = {
  dataset: 'data',
  seed: 'seed',
  epochs: 'epochs',
  learningRate: 'lr',
  hidden: 'hidden',
  layers: 'layers',
} as const;

export function playgroundDataset(name: PlaygroundDatasetName): PlaygroundDataset {
  return PLAYGROUND_DATASETS.find((d) => d.name === name)!;
}

function isDatasetName(v: string | null): v is PlaygroundDatasetName {
  return PLAYGROUND_DATASETS.some((d) => d.name === v);
}

function numberIn(
  raw: string | null,
  { min, max }: { min: number; max: number },
  fallback: number,
  integer: boolean,
): number {
  if (raw === null || raw.trim() === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || (integer && !Number.isInteger(v))) return fallback;
  return Math.min(max, Math.max(min, v));
}

/** The state a URL's query asks for; anything missing or out of range falls back or is clamped. */
export function playgroundStateFromSearch(params: {
  get(key: string): string | null;
}): PlaygroundState {
  const d = PLAYGROUND_DEFAULTS;
  const data = params.get(KEYS.dataset);
  return {
    dataset: isDatasetName(data) ? data : d.dataset,
    seed: numberIn(params.get(KEYS.seed), PLAYGROUND_LIMITS.seed, d.seed, true),
    epochs: numberIn(params.get(KEYS.epochs), PLAYGROUND_LIMITS.epochs, d.epochs, true),
    learningRate: numberIn(
      params.get(KEYS.learningRate),
      PLAYGROUND_LIMITS.learningRate,
      d.learningRate,
      false,
    ),
    hidden: numberIn(params.get(KEYS.hidden), PLAYGROUND_LIMITS.hidden, d.hidden, true),
    layers: numberIn(params.get(KEYS.layers), PLAYGROUND_LIMITS.layers, d.layers, true),
  };
}

/** The query string for a state, defaults left out; '' for the defaults. */
export function searchFromPlaygroundState(s: PlaygroundState): string {
  const q = new URLSearchParams();
  for (const key of Object.keys(KEYS) as (keyof PlaygroundState)[]) {
    if (s[key] !== PLAYGROUND_DEFAULTS[key]) q.set(KEYS[key], String(s[key]));
  }
  return q.toString();
}

/** Hidden layer sizes of the network a state describes, input to output. */
export function hiddenLayers(s: Pick<PlaygroundState, 'hidden' | 'layers'>): number[] {
  return s.hidden === 0 ? [] : Array.from({ length: s.layers }, () => s.hidden);
}
