import { InputError } from './errors';

export const GROUP_KEYS = ['job', 'team', 'project', 'node'] as const;
export type GroupKey = (typeof GROUP_KEYS)[number];

/**
 * Usage records as columns. A million records as objects with string keys cost ~20× more to allocate
 * than the same records as typed arrays with dictionary-encoded ids, so this is the layout the
 * allocator takes; `usageColumns` builds it from objects when speed does not matter.
 */
export type UsageColumns = {
  length: number;
  /** Index into `names.job`, `names.team`… for each record. */
  job: Int32Array;
  team: Int32Array;
  project: Int32Array;
  node: Int32Array;
  names: Record<GroupKey, string[]>;
  startMs: Float64Array;
  endMs: Float64Array;
  /** GPUs held; fractions allowed (a MIG slice, a time-shared GPU). */
  gpusRequested: Float64Array;
  gpusUsed: Float64Array;
  /** IT energy of the record, kWh, spread evenly over [start, end). */
  energyKWh: Float64Array;
  /** 1 where energyKWh was metered, 0 where modelled. */
  energyMeasured: Uint8Array;
};

export type UsageRecord = {
  job: string;
  team: string;
  project: string;
  node: string;
  startMs: number;
  endMs: number;
  gpusRequested: number;
  gpusUsed: number;
  energyKWh: number;
  energyMeasured: boolean;
};

/** Empty columns for `length` records, to be filled in place (the fast way to build a large table). */
export function createUsageColumns(
  length: number,
  names: Record<GroupKey, string[]>,
): UsageColumns {
  return {
    length,
    job: new Int32Array(length),
    team: new Int32Array(length),
    project: new Int32Array(length),
    node: new Int32Array(length),
    names,
    startMs: new Float64Array(length),
    endMs: new Float64Array(length),
    gpusRequested: new Float64Array(length),
    gpusUsed: new Float64Array(length),
    energyKWh: new Float64Array(length),
    energyMeasured: new Uint8Array(length),
  };
}

export function usageColumns(records: readonly UsageRecord[]): UsageColumns {
  const names: Record<GroupKey, string[]> = { job: [], team: [], project: [], node: [] };
  const index: Record<GroupKey, Map<string, number>> = {
    job: new Map(),
    team: new Map(),
    project: new Map(),
    node: new Map(),
  };
  const u = createUsageColumns(records.length, names);
  records.forEach((r, i) => {
    for (const k of GROUP_KEYS) {
      const name = r[k];
      if (typeof name !== 'string' || name === '')
        throw new InputError(`usage[${i}].${k}`, name, 'must be a non-empty string');
      let id = index[k].get(name);
      if (id === undefined) {
        id = names[k].length;
        names[k].push(name);
        index[k].set(name, id);
      }
      u[k][i] = id;
    }
    u.startMs[i] = r.startMs;
    u.endMs[i] = r.endMs;
    u.gpusRequested[i] = r.gpusRequested;
    u.gpusUsed[i] = r.gpusUsed;
    u.energyKWh[i] = r.energyKWh;
    u.energyMeasured[i] = r.energyMeasured ? 1 : 0;
  });
  return u;
}

/** The error for record i, naming the first field that is wrong. */
export function badRecord(u: UsageColumns, i: number, ownerKey: GroupKey): InputError {
  const f = (name: string) => `usage[${i}].${name}`;
  if (!Number.isFinite(u.startMs[i]!))
    return new InputError(f('startMs'), u.startMs[i], 'must be a time in ms');
  if (!(u.endMs[i]! >= u.startMs[i]!) || !Number.isFinite(u.endMs[i]!))
    return new InputError(f('endMs'), u.endMs[i], `must not be before startMs (${u.startMs[i]})`);
  if (!(u.gpusRequested[i]! >= 0) || u.gpusRequested[i] === Infinity)
    return new InputError(f('gpusRequested'), u.gpusRequested[i], 'must be a finite number ≥ 0');
  if (!(u.gpusUsed[i]! >= 0) || u.gpusUsed[i] === Infinity)
    return new InputError(f('gpusUsed'), u.gpusUsed[i], 'must be a finite number ≥ 0');
  if (!(u.energyKWh[i]! >= 0) || u.energyKWh[i] === Infinity)
    return new InputError(f('energyKWh'), u.energyKWh[i], 'must be a finite number ≥ 0');
  return new InputError(
    f(ownerKey),
    u[ownerKey][i],
    `must index names.${ownerKey} (0–${u.names[ownerKey].length - 1})`,
  );
}
