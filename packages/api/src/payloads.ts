// What each kind of job carries. Pure (zod, the nn-core spec schemas and the scheduler's and
// cost-model's name lists; no server code): the server validates a payload on submit and the worker
// checks it again before running it, with the same schema.
import { GRID_ZONES } from '@wattwise/cost-model';
import { denseAccount, denseNetSpec, optimizerSpec } from '@wattwise/nn-core/spec';
import { PLACEMENTS, POLICY_NAMES, TRACE_FORMATS } from '@wattwise/scheduler';
import { z } from 'zod';

const MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;
const timeoutSeconds = z
  .number()
  .positive()
  .max(MAX_TIMEOUT_SECONDS, `must be at most ${MAX_TIMEOUT_SECONDS} s (7 days)`);

export const commandPayload = z.strictObject({
  argv: z.array(z.string()).min(1, 'needs at least the program to run'),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().min(1).optional(),
  timeoutSeconds: timeoutSeconds.optional(),
});
export type CommandPayload = z.infer<typeof commandPayload>;

// ---------------------------------------------------------------------------------------------
// nn-train: a dense network trained on a built-in dataset or an inline CSV.

/** nn-core's seeded datasets (`BUILTIN_DATASETS` there) with their shapes at default options. */
export const NN_BUILTIN_DATASETS = ['seed-demo', 'xor', 'two-spirals', 'gaussian-blobs'] as const;
export type NnBuiltinDataset = (typeof NN_BUILTIN_DATASETS)[number];
export const NN_BUILTIN_SHAPES: Record<NnBuiltinDataset, { inputs: number; outputs: number }> = {
  'seed-demo': { inputs: 2, outputs: 1 },
  xor: { inputs: 2, outputs: 1 },
  'two-spirals': { inputs: 2, outputs: 1 },
  'gaussian-blobs': { inputs: 2, outputs: 3 },
};

export const NN_LIMITS = {
  /** Bytes of an inline CSV (UTF-8). */
  csvBytes: 5 * 1024 * 1024,
  /** Samples of a built-in dataset. */
  samples: 1_000_000,
  /** Trainable parameters of the network. */
  params: 10_000_000,
  epochs: 10_000,
  batchSize: 65_536,
  /** Bytes of the saved model (JSON) a result carries; a bigger one is left out, and the result says so. */
  modelBytes: 5 * 1024 * 1024,
} as const;

function utf8Bytes(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4; // a surrogate pair: one 4-byte character
      i++;
    } else n += 3;
  }
  return n;
}

const mib = (bytes: number) => `${bytes / (1024 * 1024)} MB`;

export const nnDataset = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('builtin'),
      name: z.enum(NN_BUILTIN_DATASETS, {
        error: `must be one of ${NN_BUILTIN_DATASETS.join(', ')}`,
      }),
      samples: z
        .number()
        .int()
        .min(4, 'must be at least 4')
        .max(NN_LIMITS.samples, `must be at most ${NN_LIMITS.samples}`)
        .default(1000),
      seed: z
        .number()
        .int()
        .nonnegative()
        .max(2 ** 31 - 1)
        .default(0),
    }),
    z.strictObject({
      type: z.literal('csv'),
      /** The file's text: a header row, then one sample per row; every column but `label` is an input. */
      csv: z
        .string()
        .min(1, 'must not be empty')
        .refine(
          (s) => s.length <= NN_LIMITS.csvBytes && utf8Bytes(s) <= NN_LIMITS.csvBytes,
          `must be at most ${mib(NN_LIMITS.csvBytes)} (UTF-8)`,
        ),
      /** The column to predict. */
      label: z.string().trim().min(1, 'must name the label column').max(200),
      /** Read the label as class names and one-hot encode them (sorted): for a softmax output. */
      categorical: z.boolean().default(false),
    }),
  ],
  { error: 'must be { type: "builtin", name, samples?, seed? } or { type: "csv", csv, label }' },
);
export type NnDataset = z.infer<typeof nnDataset>;

/**
 * nn-core's dense spec, its layer list checked first: the spec's own cross-field check reads the
 * last layer, and would throw on an empty list instead of reporting it.
 */
const networkSpec = z
  .looseObject({ layers: z.array(z.unknown()).min(1, 'needs at least one layer') })
  .pipe(denseNetSpec);

export const nnTrainPayload = z
  .strictObject({
    /** The network, its loss and (unless `optimizer` is given) its optimizer. */
    spec: networkSpec,
    dataset: nnDataset,
    epochs: z
      .number()
      .int()
      .min(1)
      .max(NN_LIMITS.epochs, `must be at most ${NN_LIMITS.epochs}`)
      .default(10),
    batchSize: z
      .number()
      .int()
      .min(1)
      .max(NN_LIMITS.batchSize, `must be at most ${NN_LIMITS.batchSize}`)
      .default(32),
    /** Replaces the spec's optimizer. */
    optimizer: optimizerSpec.optional(),
    /** Replaces the learning rate of the optimizer (this payload's, else the spec's). */
    learningRate: z.number().positive().max(100).optional(),
    /** Share of the samples held out (after a seeded shuffle) and scored every epoch. */
    validationSplit: z.number().min(0).max(0.9, 'must be at most 0.9').default(0),
    /** Seeds the split and the shuffles; default the spec's seed. */
    seed: z
      .number()
      .int()
      .nonnegative()
      .max(2 ** 31 - 1)
      .optional(),
    timeoutSeconds: timeoutSeconds.optional(),
  })
  .superRefine((p, ctx) => {
    // Zod runs this after issues it can continue past: read only what parsed.
    if (!Array.isArray(p.spec?.layers) || p.spec.layers.length === 0) return;
    let params: number;
    try {
      params = denseAccount(p.spec).params;
    } catch {
      return; // the spec's own issues say what is wrong
    }
    if (params > NN_LIMITS.params)
      ctx.addIssue({
        code: 'custom',
        path: ['spec', 'layers'],
        message: `the network has ${params} parameters, more than the ${NN_LIMITS.params} a job may train`,
      });
    if (p.dataset?.type === 'builtin' && NN_BUILTIN_SHAPES[p.dataset.name]) {
      const shape = NN_BUILTIN_SHAPES[p.dataset.name];
      const last = p.spec.layers.length - 1;
      if (p.spec.inputs !== shape.inputs)
        ctx.addIssue({
          code: 'custom',
          path: ['spec', 'inputs'],
          message: `must be ${shape.inputs}: the ${p.dataset.name} dataset has ${shape.inputs} inputs per sample`,
        });
      if (p.spec.layers[last]!.units !== shape.outputs)
        ctx.addIssue({
          code: 'custom',
          path: ['spec', 'layers', last, 'units'],
          message: `must be ${shape.outputs}: the ${p.dataset.name} dataset has ${shape.outputs} target${shape.outputs === 1 ? '' : 's'} per sample`,
        });
      if (Math.floor(p.dataset.samples * p.validationSplit) === 0 && p.validationSplit > 0)
        ctx.addIssue({
          code: 'custom',
          path: ['validationSplit'],
          message: `holds out no sample of ${p.dataset.samples}: raise it or the sample count`,
        });
    }
  });
export type NnTrainPayload = z.infer<typeof nnTrainPayload>;
export type NnTrainPayloadInput = z.input<typeof nnTrainPayload>;

// ---------------------------------------------------------------------------------------------
// simulate: what `wattwise simulate` accepts, with bounds a job must keep to.

export const SIMULATE_LIMITS = {
  /** Copies of the trace on a cluster as many times larger (the CLI allows 1000). */
  scale: 100,
  compress: 1_000_000,
  deferHours: 30 * 24,
  /** Policies (or placements) side by side. */
  compare: 8,
  /** Jobs kept from the start of the trace. */
  limit: 10_000_000,
} as const;

/** Formats whose bundled copy is read when no path is given. */
export const BUNDLED_TRACE_FORMATS = ['alibaba2023', 'alibaba2025'] as const;

const workerPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/'), 'must be an absolute path on the worker');

const gridZone = (s: string) => {
  const q = s.trim().toUpperCase();
  return GRID_ZONES.some((z) => z.id === q || z.alias.toUpperCase() === q);
};

export const simulateTrace = z
  .strictObject({
    format: z.enum(TRACE_FORMATS, { error: `must be one of ${TRACE_FORMATS.join(', ')}` }),
    /** A file on the worker; none: the bundled copy (alibaba2023, alibaba2025). */
    path: workerPath.optional(),
  })
  .refine(
    (t) => t.path !== undefined || (BUNDLED_TRACE_FORMATS as readonly string[]).includes(t.format),
    {
      path: ['path'],
      message: `is required: only ${BUNDLED_TRACE_FORMATS.join(' and ')} have a bundled copy`,
    },
  );

export const simulatePayload = z
  .strictObject({
    trace: simulateTrace,
    /** Node CSV on the worker; default for alibaba2023 the bundled GPU node list. */
    nodes: workerPath.optional(),
    policy: z.enum(POLICY_NAMES, { error: `must be one of ${POLICY_NAMES.join(', ')}` }).optional(),
    /** Several policies side by side (placements, with `inflate`). */
    compare: z
      .array(z.string().min(1))
      .min(1, 'needs at least one name')
      .max(SIMULATE_LIMITS.compare, `takes at most ${SIMULATE_LIMITS.compare} names`)
      .optional(),
    placement: z.enum(PLACEMENTS, { error: `must be one of ${PLACEMENTS.join(', ')}` }).optional(),
    /** The FGD experiment: pods drawn without departures until the GPUs requested reach capacity. */
    inflate: z.boolean().optional(),
    /** A bundled 2023 grid zone (id or alias), or a site JSON file on the worker; default US-CAL-CISO. */
    site: z
      .string()
      .min(1)
      .max(4096)
      .refine(
        (s) => gridZone(s) || (s.startsWith('/') && /\.json$/i.test(s)),
        `must be a bundled zone (${GRID_ZONES.map((z) => z.id).join(', ')}) or an absolute path to a site .json file on the worker`,
      )
      .optional(),
    /** Calendar time of the trace start. */
    start: z.iso
      .datetime({ offset: true, error: 'must be an ISO time such as 2023-06-01T00:00:00Z' })
      .optional(),
    /** Lets jobs without a deadline start up to this many hours late when cheaper. */
    deferHours: z
      .number()
      .min(0)
      .max(SIMULATE_LIMITS.deferHours, `must be at most ${SIMULATE_LIMITS.deferHours} hours`)
      .optional(),
    powerDown: z.boolean().optional(),
    /** Divides arrival times (run times kept). */
    compress: z
      .number()
      .min(1, 'must be ≥ 1')
      .max(SIMULATE_LIMITS.compress, `must be at most ${SIMULATE_LIMITS.compress}`)
      .optional(),
    scale: z
      .number()
      .int()
      .min(1)
      .max(SIMULATE_LIMITS.scale, `must be a whole number from 1 to ${SIMULATE_LIMITS.scale}`)
      .optional(),
    /** Only the first N jobs of the trace, in submit order. */
    limit: z
      .number()
      .int()
      .min(1)
      .max(SIMULATE_LIMITS.limit, `must be at most ${SIMULATE_LIMITS.limit}`)
      .optional(),
    /** Seed of the inflate draws (default 42). */
    seed: z
      .number()
      .int()
      .nonnegative()
      .max(2 ** 31 - 1)
      .optional(),
    carbonPricePerTonne: z.number().min(0).max(100_000).optional(),
    /** PUE of a bundled zone site (default 1.2). */
    pue: z.number().min(1).max(5).optional(),
    /** Fair-share weights by team (default 1 each). */
    weights: z.record(z.string(), z.number().positive('must be > 0').max(1e6)).optional(),
    timeoutSeconds: timeoutSeconds.optional(),
  })
  .superRefine((p, ctx) => {
    if (p.inflate) {
      if (p.policy !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['policy'],
          message: 'does not apply with inflate: give placement, or compare placements',
        });
      (Array.isArray(p.compare) ? p.compare : []).forEach((name, i) => {
        if (!(PLACEMENTS as readonly string[]).includes(name))
          ctx.addIssue({
            code: 'custom',
            path: ['compare', i],
            message: `with inflate takes placements: "${name}" is not one of ${PLACEMENTS.join(', ')}`,
          });
      });
    } else {
      if (p.policy === undefined && p.compare === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['policy'],
          message: `is required (one of ${POLICY_NAMES.join(', ')}), or compare several`,
        });
      (Array.isArray(p.compare) ? p.compare : []).forEach((name, i) => {
        if (!(POLICY_NAMES as readonly string[]).includes(name))
          ctx.addIssue({
            code: 'custom',
            path: ['compare', i],
            message: `"${name}" is not one of ${POLICY_NAMES.join(', ')}`,
          });
      });
    }
    for (const team of Object.keys(p.weights ?? {}))
      if (!/^[^,=\s][^,=]{0,99}$/.test(team))
        ctx.addIssue({
          code: 'custom',
          path: ['weights'],
          message: `team ${JSON.stringify(team)}: a name of 1 to 100 characters without "," or "="`,
        });
    if (p.nodes === undefined && p.trace?.format !== 'alibaba2023')
      ctx.addIssue({
        code: 'custom',
        path: ['nodes'],
        message:
          'is required for this trace: a node CSV on the worker (sn,cpu_milli,memory_mib,gpu,model)',
      });
  });
export type SimulatePayload = z.infer<typeof simulatePayload>;
export type SimulatePayloadInput = z.input<typeof simulatePayload>;

// ---------------------------------------------------------------------------------------------

export const JOB_KINDS = ['command', 'nn-train', 'simulate'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const payloadSchemas = {
  command: commandPayload,
  'nn-train': nnTrainPayload,
  simulate: simulatePayload,
} satisfies Record<JobKind, z.ZodType>;

/** "spec.layers.0.units: must be 1; epochs: …": every issue, named by its path. */
export function describePayloadIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
}
