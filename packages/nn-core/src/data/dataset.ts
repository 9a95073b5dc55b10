/** Samples in row-major float32 arrays, ready to become tensors: x is size × inputs, y size × outputs. */
export type Dataset = {
  name: string;
  size: number;
  inputs: number;
  outputs: number;
  x: Float32Array;
  y: Float32Array;
  /** Names of the input columns, when known (CSV). */
  featureNames?: string[];
  /** Class names in one-hot order, for a categorical target. */
  classes?: string[];
};

/** A dataset from rows of numbers; every row of a side must have the same length. */
export function datasetFromRows(name: string, xs: number[][], ys: number[][]): Dataset {
  if (xs.length !== ys.length) throw new RangeError(`${xs.length} inputs but ${ys.length} targets`);
  if (xs.length === 0) throw new RangeError('a dataset needs at least one sample');
  const inputs = xs[0]!.length;
  const outputs = ys[0]!.length;
  const x = new Float32Array(xs.length * inputs);
  const y = new Float32Array(ys.length * outputs);
  xs.forEach((row, i) => {
    if (row.length !== inputs)
      throw new RangeError(`input row ${i} has ${row.length} values, not ${inputs}`);
    x.set(row, i * inputs);
  });
  ys.forEach((row, i) => {
    if (row.length !== outputs)
      throw new RangeError(`target row ${i} has ${row.length} values, not ${outputs}`);
    y.set(row, i * outputs);
  });
  return { name, size: xs.length, inputs, outputs, x, y };
}

/** The samples at `rows`, in that order, as a new dataset. */
export function selectRows(d: Dataset, rows: ArrayLike<number>): Dataset {
  const x = new Float32Array(rows.length * d.inputs);
  const y = new Float32Array(rows.length * d.outputs);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    x.set(d.x.subarray(r * d.inputs, (r + 1) * d.inputs), i * d.inputs);
    y.set(d.y.subarray(r * d.outputs, (r + 1) * d.outputs), i * d.outputs);
  }
  return { ...d, size: rows.length, x, y };
}

/** Sample i's inputs. */
export function inputRow(d: Dataset, i: number): Float32Array {
  return d.x.subarray(i * d.inputs, (i + 1) * d.inputs);
}

/** Sample i's targets. */
export function targetRow(d: Dataset, i: number): Float32Array {
  return d.y.subarray(i * d.outputs, (i + 1) * d.outputs);
}

/**
 * How often each class occurs and the share of the commonest: the accuracy of always guessing it.
 * One output is read as a 0/1 label (threshold 0.5), several as one-hot.
 */
export function majorityBaseline(d: Dataset): {
  counts: number[];
  majorityClass: number;
  accuracy: number;
} {
  const counts = new Array<number>(Math.max(2, d.outputs)).fill(0);
  for (let i = 0; i < d.size; i++) {
    const t = targetRow(d, i);
    const c = d.outputs === 1 ? (t[0]! > 0.5 ? 1 : 0) : t.indexOf(Math.max(...t));
    counts[c]!++;
  }
  const majorityClass = counts.indexOf(Math.max(...counts));
  return { counts, majorityClass, accuracy: counts[majorityClass]! / d.size };
}
