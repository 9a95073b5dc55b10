import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { moduleGraph } from '@wattwise/vitest-config/module-graph';
import { describe, expect, it } from 'vitest';

import {
  describePayloadIssues,
  JOB_KINDS,
  NN_LIMITS,
  nnTrainPayload,
  payloadSchemas,
  simulatePayload,
} from './payloads';

const here = dirname(fileURLToPath(import.meta.url));

const issues = (
  schema: { safeParse(v: unknown): { success: boolean; error?: unknown } },
  v: unknown,
) => {
  const r = schema.safeParse(v);
  if (r.success) return '';
  return describePayloadIssues(r.error as Parameters<typeof describePayloadIssues>[0]);
};

const spec = {
  kind: 'dense',
  inputs: 2,
  layers: [{ type: 'dense', units: 1, activation: 'sigmoid' }],
  loss: 'binaryCrossentropy',
};

describe('payloads', () => {
  it('has a schema for every kind', () => {
    expect(Object.keys(payloadSchemas).sort()).toEqual([...JOB_KINDS].sort());
  });

  it('imports only zod, the nn-core spec and pure entries: no TensorFlow, no Node built-ins', () => {
    const text = readFileSync(join(here, 'payloads.ts'), 'utf8');
    const imports = [...text.matchAll(/^import[^'"]*from '([^']+)'/gm)].map((m) => m[1]);
    expect(imports.sort()).toEqual([
      '@wattwise/cost-model',
      '@wattwise/nn-core/spec',
      '@wattwise/scheduler',
      'zod',
    ]);
    expect(moduleGraph(join(here, 'payloads.ts'))).toHaveLength(1);
  });

  describe('nn-train', () => {
    it('fills the defaults', () => {
      const p = nnTrainPayload.parse({ spec, dataset: { type: 'builtin', name: 'xor' } });
      expect(p).toMatchObject({
        dataset: { type: 'builtin', name: 'xor', samples: 1000, seed: 0 },
        epochs: 10,
        batchSize: 32,
        validationSplit: 0,
        spec: { optimizer: { type: 'sgd', learningRate: 0.01 }, seed: 0 },
      });
    });

    it.each([
      [
        { dataset: { type: 'builtin', name: 'mnist' } },
        /^dataset\.name: must be one of seed-demo, xor, two-spirals, gaussian-blobs$/,
      ],
      [
        { dataset: { type: 'builtin', name: 'xor', samples: 2 } },
        /^dataset\.samples: must be at least 4$/,
      ],
      [{ dataset: { type: 'parquet' } }, /^dataset\.type: must be \{ type: "builtin"/],
      [
        { dataset: { type: 'csv', csv: 'a,y\n1,0\n', label: ' ' } },
        /^dataset\.label: must name the label column$/,
      ],
      [
        { spec: { ...spec, inputs: 3 } },
        /^spec\.inputs: must be 2: the xor dataset has 2 inputs per sample$/,
      ],
      [
        { dataset: { type: 'builtin', name: 'gaussian-blobs' } },
        /^spec\.layers\.0\.units: must be 3: the gaussian-blobs dataset has 3 targets per sample$/,
      ],
      [{ spec: { ...spec, layers: [] } }, /^spec\.layers: needs at least one layer$/],
      [
        { spec: { ...spec, layers: [{ type: 'dense', units: 1, activation: 'relu' }] } },
        /^spec\.layers\.0\.activation: binaryCrossentropy needs a sigmoid/,
      ],
      [
        {
          spec: {
            ...spec,
            layers: [
              { type: 'dense', units: 4000, activation: 'relu' },
              { type: 'dense', units: 4000, activation: 'relu' },
              { type: 'dense', units: 1, activation: 'sigmoid' },
            ],
          },
        },
        // 2·4000 + 4000 = 12,000; 4000·4000 + 4000 = 16,004,000; 4000 + 1 = 4,001.
        /^spec\.layers: the network has 16020001 parameters, more than the 10000000 a job may train$/,
      ],
      [{ epochs: 0 }, /^epochs: /],
      [{ epochs: 1e6 }, /^epochs: must be at most 10000$/],
      [{ validationSplit: 1 }, /^validationSplit: must be at most 0\.9$/],
      [{ optimizer: { type: 'lbfgs' } }, /^optimizer\.type: /],
      [{ learningRate: -1 }, /^learningRate: /],
      [{ timeoutSeconds: 30 * 86_400 }, /^timeoutSeconds: must be at most 604800 s/],
      [{ gpu: true }, /^\(payload\): Unrecognized key: "gpu"$/],
    ])('%j is refused, the field named', (change, message) => {
      const base = { spec, dataset: { type: 'builtin', name: 'xor' } };
      expect(issues(nnTrainPayload, { ...base, ...change })).toMatch(message);
    });

    it('caps an inline CSV at 5 MB of UTF-8', () => {
      const row = 'é,1\n'; // 5 bytes, 4 characters
      const csv = `x,y\n${row.repeat(Math.ceil(NN_LIMITS.csvBytes / 5))}`;
      expect(csv.length).toBeLessThan(NN_LIMITS.csvBytes);
      const bad = { spec, dataset: { type: 'csv', csv, label: 'y' } };
      expect(issues(nnTrainPayload, bad)).toBe('dataset.csv: must be at most 5 MB (UTF-8)');
      const ok = { spec, dataset: { type: 'csv', csv: csv.slice(0, 4_000_000), label: 'y' } };
      expect(issues(nnTrainPayload, ok)).toBe('');
    });
  });

  describe('simulate', () => {
    it('takes the bundled trace by its format alone', () => {
      expect(
        simulatePayload.parse({
          trace: { format: 'alibaba2023' },
          policy: 'cost-aware',
          limit: 100,
        }),
      ).toEqual({ trace: { format: 'alibaba2023' }, policy: 'cost-aware', limit: 100 });
      expect(
        simulatePayload.safeParse({
          trace: { format: 'alibaba2023' },
          inflate: true,
          compare: ['best-fit', 'fgd'],
          site: 'caiso',
        }).success,
      ).toBe(true);
    });

    it.each([
      [
        { trace: { format: 'json' } },
        /trace\.path: is required: only alibaba2023 and alibaba2025 have a bundled copy/,
      ],
      [
        { trace: { format: 'json', path: 'jobs.json' } },
        /trace\.path: must be an absolute path on the worker/,
      ],
      [
        { trace: { format: 'parquet' } },
        /^trace\.format: must be one of alibaba2023, alibaba2025, slurm, json, csv/,
      ],
      [
        { trace: { format: 'slurm', path: '/x.txt' }, policy: 'fifo' },
        /^nodes: is required for this trace/,
      ],
      [
        { policy: undefined },
        /^policy: is required \(one of fifo, backfill, las, fair, cost-aware\), or compare several$/,
      ],
      [{ policy: 'random' }, /^policy: must be one of fifo, backfill, las, fair, cost-aware$/],
      [{ compare: ['fifo', 'fgd'] }, /compare\.1: "fgd" is not one of fifo/],
      [{ compare: Array(9).fill('fifo') }, /^compare: takes at most 8 names$/],
      [{ inflate: true, compare: ['fifo'] }, /compare\.0: with inflate takes placements/],
      [{ inflate: true }, /^policy: does not apply with inflate/],
      [{ placement: 'worst-fit' }, /^placement: must be one of first-fit, best-fit, fgd$/],
      [{ site: 'Mars' }, /^site: must be a bundled zone \(US-CAL-CISO/],
      [{ site: 'site.json' }, /^site: must be a bundled zone/],
      [{ start: 'yesterday' }, /^start: must be an ISO time/],
      [{ compress: 0.5 }, /^compress: must be ≥ 1$/],
      [{ scale: 1000 }, /^scale: must be a whole number from 1 to 100$/],
      [{ scale: 1.5 }, /^scale: /],
      [{ deferHours: 10_000 }, /^deferHours: must be at most 720 hours$/],
      [{ limit: 0 }, /^limit: /],
      [
        { weights: { 'a=b': 1 } },
        /^weights: team "a=b": a name of 1 to 100 characters without "," or "="$/,
      ],
      [{ weights: { ml: 0 } }, /^weights\.ml: must be > 0$/],
      [{ polcy: 'fifo' }, /Unrecognized key: "polcy"/],
    ])('%j is refused, the field named', (change, message) => {
      const base = { trace: { format: 'alibaba2023' }, policy: 'fifo' };
      expect(issues(simulatePayload, { ...base, ...change })).toMatch(message);
    });
  });
});
