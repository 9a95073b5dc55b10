/**
 * The estimator's inputs as they sit in the URL: one search parameter per `wattwise estimate training`
 * flag (`?gpu=H100-SXM&params=7B&tokens=1T`), each value the text the user typed. Parsing and the
 * checks follow apps/cli/src/commands/estimate.ts so that the same inputs give the same numbers.
 */
import {
  InputError,
  PRECISIONS,
  estimateJob,
  type JobEstimate,
  type JobEstimateInput,
  type Precision,
} from '@wattwise/cost-model';

export type EstimateKey =
  | 'gpu'
  | 'count'
  | 'params'
  | 'tokens'
  | 'flops'
  | 'mfu'
  | 'precision'
  | 'gpu-hours'
  | 'days'
  | 'power-w'
  | 'pue'
  | 'grid-intensity'
  | 'price'
  | 'hardware-per-gpu-hour'
  | 'ops-per-gpu-hour'
  | 'storage-cost'
  | 'bandwidth-cost';

/** Every input in form order; the URL key is the CLI flag without its dashes. */
export const ESTIMATE_KEYS: readonly EstimateKey[] = [
  'gpu',
  'count',
  'params',
  'tokens',
  'flops',
  'mfu',
  'precision',
  'gpu-hours',
  'days',
  'power-w',
  'pue',
  'grid-intensity',
  'price',
  'hardware-per-gpu-hour',
  'ops-per-gpu-hour',
  'storage-cost',
  'bandwidth-cost',
];

export type EstimateValues = Partial<Record<EstimateKey, string>>;

/** cost-model's field name → the input that sets it (the CLI's FLAGS table, without dashes). */
const FIELD_KEYS: Record<string, EstimateKey> = {
  accelerator: 'gpu',
  gpu: 'gpu',
  count: 'count',
  flops: 'flops',
  params: 'params',
  tokens: 'tokens',
  mfu: 'mfu',
  mfuRange: 'mfu',
  precision: 'precision',
  gpuHours: 'gpu-hours',
  hours: 'days',
  days: 'days',
  powerW: 'power-w',
  pue: 'pue',
  gridKgPerKWh: 'grid-intensity',
  pricePerKWh: 'price',
  hardwarePerGpuHour: 'hardware-per-gpu-hour',
  operationsPerGpuHour: 'ops-per-gpu-hour',
  storageCost: 'storage-cost',
  bandwidthCost: 'bandwidth-cost',
};

/** Which input an error of the model is about ("mfuRange.low" → mfu); null when it is about none. */
export function keyOfField(field: string): EstimateKey | null {
  return FIELD_KEYS[field.split(/[.[]/)[0]!] ?? null;
}

const SUFFIX: Record<string, number> = { k: 1e3, K: 1e3, M: 1e6, B: 1e9, G: 1e9, T: 1e12 };

/**
 * "175e9", "175B", "3.15e23", "0.4" → a number, as the CLI reads its flags; blank → undefined;
 * anything else → NaN.
 */
export function parseAmount(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*([kKMBGT])?\s*$/i.exec(text);
  const value = m ? Number(m[1]) * (m[2] ? SUFFIX[m[2]]! : 1) : NaN;
  return Number.isFinite(value) ? value : NaN;
}

const HINT_LABELS: Record<string, string> = {
  hardwarePerGpuHour: '"Hardware per GPU-hour"',
  operationsPerGpuHour: '"Operations per GPU-hour"',
  storageCost: '"Storage for the run"',
  bandwidthCost: '"Bandwidth for the run"',
};
const HINT = /\b(hardwarePerGpuHour|operationsPerGpuHour|storageCost|bandwidthCost)\b/g;

export type FieldError = { key: EstimateKey | null; message: string };

export type EstimateOutcome =
  | { ok: true; input: JobEstimateInput; estimate: JobEstimate }
  | { ok: false; errors: FieldError[] };

const given = (v: string | undefined) => v !== undefined && v.trim() !== '';

/** The values from a query string, keeping only known keys with something in them. */
export function valuesFromSearch(search: URLSearchParams): EstimateValues {
  const values: EstimateValues = {};
  for (const key of ESTIMATE_KEYS) {
    const v = search.get(key);
    if (given(v ?? undefined)) values[key] = v!;
  }
  return values;
}

/** The query string for a set of values (known keys in form order, blanks left out). */
export function searchFromValues(values: EstimateValues): string {
  const search = new URLSearchParams();
  for (const key of ESTIMATE_KEYS) {
    const v = values[key];
    if (given(v)) search.set(key, v!.trim());
  }
  return search.toString();
}

/**
 * The inputs → estimateJob's input, refusing missing, contradictory or unreadable values by field
 * (the CLI's checks, in the same order), then the estimate itself, with the model's refusal
 * pointed at the field it names.
 */
export function estimateFromValues(values: EstimateValues): EstimateOutcome {
  const v = (k: EstimateKey) => (given(values[k]) ? values[k]!.trim() : undefined);
  const errors: FieldError[] = [];
  if (!v('gpu')) errors.push({ key: 'gpu', message: 'Choose an accelerator.' });
  const hasWork = (['flops', 'params', 'tokens', 'gpu-hours', 'days'] as const).some((k) => v(k));
  if (!hasWork)
    errors.push({
      key: null,
      message: 'Give the work: FLOPs, parameters with tokens, GPU-hours or days.',
    });
  if (v('flops') && (v('params') || v('tokens')))
    errors.push({
      key: 'flops',
      message: 'FLOPs contradict parameters and tokens: give one or the other.',
    });
  if (!v('params') !== !v('tokens')) {
    const missing = v('params') ? 'tokens' : 'params';
    errors.push({
      key: missing,
      message: `${missing === 'params' ? 'Parameters are' : 'Tokens are'} required with ${missing === 'params' ? 'tokens' : 'parameters'}.`,
    });
  }
  if (v('gpu-hours') && v('days'))
    errors.push({ key: 'days', message: 'GPU-hours contradict days: give one duration.' });
  const precision = v('precision');
  if (precision && !(PRECISIONS as readonly string[]).includes(precision))
    errors.push({
      key: 'precision',
      message: `Precision must be one of ${PRECISIONS.join(', ')}.`,
    });

  const num = (k: EstimateKey): number | undefined => {
    const n = parseAmount(v(k));
    if (Number.isNaN(n)) {
      errors.push({ key: k, message: `"${v(k)}" is not a number (e.g. 175e9, 175B, 0.4).` });
      return undefined;
    }
    return n;
  };
  const input: JobEstimateInput = {
    accelerator: v('gpu') ?? '',
    count: num('count'),
    flops: num('flops'),
    params: num('params'),
    tokens: num('tokens'),
    mfu: num('mfu'),
    precision: precision as Precision | undefined,
    gpuHours: num('gpu-hours'),
    days: num('days'),
    powerW: num('power-w'),
    pue: num('pue'),
    gridKgPerKWh: num('grid-intensity'),
    pricePerKWh: num('price'),
    hardwarePerGpuHour: num('hardware-per-gpu-hour'),
    operationsPerGpuHour: num('ops-per-gpu-hour'),
    storageCost: num('storage-cost'),
    bandwidthCost: num('bandwidth-cost'),
  };
  if (errors.length > 0) return { ok: false, errors };
  // Leave out what was not given, so the estimator's defaults (and their sources) apply.
  for (const key of Object.keys(input) as (keyof JobEstimateInput)[]) {
    if (input[key] === undefined) delete input[key];
  }
  try {
    const estimate = estimateJob(input);
    // As the CLI re-words "pass operationsPerGpuHour" into its flags, name the form's fields.
    for (const source of Object.values(estimate.sources)) {
      if (source) source.note = source.note.replace(HINT, (f) => HINT_LABELS[f]!);
    }
    return { ok: true, input, estimate };
  } catch (err) {
    if (err instanceof InputError) {
      return { ok: false, errors: [{ key: keyOfField(err.field), message: err.message }] };
    }
    throw err;
  }
}

/**
 * How the CLI's table prints a figure: four significant digits, exponent notation for very large
 * or very small values. The full value goes in a data attribute beside it.
 */
export function sig(x: number, digits = 4): string {
  return Math.abs(x) >= 1e7 || (Math.abs(x) < 1e-3 && x !== 0)
    ? x.toExponential(2)
    : x.toLocaleString('en', { maximumSignificantDigits: digits });
}

/** An example the page offers when it opens empty: a 7 B model on 1 T tokens, 64 × H100 SXM. */
export const EXAMPLE_VALUES: EstimateValues = {
  gpu: 'h100-sxm5-80gb',
  count: '64',
  params: '7B',
  tokens: '1T',
};
