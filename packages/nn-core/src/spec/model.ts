import { z } from 'zod';

import type { DenseAccount, MemoryOptions } from './accounting';
import { denseAccount } from './accounting';
import { denseNetSpec } from './network';
import type { TransformerAccount } from './transformer';
import { transformerAccount, transformerSpec } from './transformer';

/** Any model nn-core knows: `kind` says which. */
export const modelSpec = z.discriminatedUnion('kind', [denseNetSpec, transformerSpec]);

export type ModelSpec = z.infer<typeof modelSpec>;
export type ModelSpecInput = z.input<typeof modelSpec>;

/** A spec that failed validation; `issues` name each field by its path (`layers.1.units`). */
export class SpecError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '));
    this.name = 'SpecError';
  }
}

/** Validates a spec (parsed JSON) and fills its defaults, or throws a SpecError naming each bad field. */
export function parseModelSpec(value: unknown): ModelSpec {
  const result = modelSpec.safeParse(value);
  if (result.success) return result.data;
  throw new SpecError(
    result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  );
}

export type Account = DenseAccount | TransformerAccount;

/** Parameters, FLOPs and memory of any spec. */
export function account(spec: ModelSpec, opts: MemoryOptions = {}): Account {
  return spec.kind === 'dense' ? denseAccount(spec, opts) : transformerAccount(spec, opts);
}
