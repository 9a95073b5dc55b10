import Papa from 'papaparse';

import type { Dataset } from './dataset';

/** A CSV that cannot become a dataset; `line` (1-based) and `field` say where. */
export class CsvError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly field?: string,
  ) {
    super(
      line === undefined ? message : `line ${line}${field ? `, field "${field}"` : ''}: ${message}`,
    );
    this.name = 'CsvError';
  }
}

export type CsvOptions = {
  /** The column(s) to predict; every other column is an input. */
  target: string | string[];
  /** Read the (single) target as class names and one-hot encode them, in sorted order. */
  categorical?: boolean;
  /** Default ','. */
  delimiter?: string;
  name?: string;
};

/**
 * A dataset from CSV text with a header row. Inputs must be numbers; the target too, unless
 * `categorical`. Blank lines are skipped; a row with the wrong number of fields, an empty or
 * non-numeric value, or an unknown target column is an error naming the line and the field.
 */
export function parseCsvDataset(text: string, opts: CsvOptions): Dataset {
  const targets = Array.isArray(opts.target) ? opts.target : [opts.target];
  if (targets.length === 0) throw new CsvError('no target column given');
  if (opts.categorical && targets.length !== 1)
    throw new CsvError('a categorical target is one column');

  const rows: { line: number; fields: string[] }[] = [];
  const problems: CsvError[] = [];
  let start = 0;
  let line = 1;
  Papa.parse<string[]>(text, {
    delimiter: opts.delimiter ?? ',',
    step: (r) => {
      const end = r.meta.cursor;
      const here = line;
      for (let i = start; i < end; i++) if (text.charCodeAt(i) === 10) line++;
      start = end;
      if (r.errors.length) problems.push(new CsvError(r.errors[0]!.message, here));
      const fields = r.data.map((f) => f.trim());
      if (fields.some((f) => f !== '')) rows.push({ line: here, fields });
    },
  });
  if (problems[0]) throw problems[0];
  const [header, ...body] = rows;
  if (!header) throw new CsvError('the file is empty: expected a header row');
  header.fields.forEach((name, i) => {
    if (!name) throw new CsvError(`column ${i + 1} has no name`, header.line);
    if (header.fields.indexOf(name) !== i)
      throw new CsvError(`column "${name}" appears twice`, header.line);
  });
  for (const t of targets) {
    if (!header.fields.includes(t))
      throw new CsvError(
        `no column "${t}" for the target (columns: ${header.fields.join(', ')})`,
        header.line,
      );
  }
  if (body.length === 0) throw new CsvError('no data rows after the header');
  const featureNames = header.fields.filter((f) => !targets.includes(f));
  if (featureNames.length === 0)
    throw new CsvError('no input columns besides the target', header.line);

  const index = (name: string) => header.fields.indexOf(name);
  const number = (row: { line: number; fields: string[] }, name: string) => {
    const raw = row.fields[index(name)]!;
    if (raw === '') throw new CsvError('empty value', row.line, name);
    const v = Number(raw);
    if (!Number.isFinite(v))
      throw new CsvError(`${JSON.stringify(raw)} is not a number`, row.line, name);
    return v;
  };

  for (const row of body) {
    if (row.fields.length !== header.fields.length)
      throw new CsvError(
        `${row.fields.length} fields, expected ${header.fields.length} (${header.fields.join(', ')})`,
        row.line,
      );
  }
  const classes = opts.categorical
    ? [...new Set(body.map((row) => row.fields[index(targets[0]!)]!))].sort()
    : undefined;
  if (classes?.includes('')) {
    const row = body.find((r) => r.fields[index(targets[0]!)] === '')!;
    throw new CsvError('empty class name', row.line, targets[0]);
  }
  const outputs = classes ? classes.length : targets.length;
  const x = new Float32Array(body.length * featureNames.length);
  const y = new Float32Array(body.length * outputs);
  body.forEach((row, i) => {
    featureNames.forEach((f, j) => (x[i * featureNames.length + j] = number(row, f)));
    if (classes) y[i * outputs + classes.indexOf(row.fields[index(targets[0]!)]!)] = 1;
    else targets.forEach((t, j) => (y[i * outputs + j] = number(row, t)));
  });
  return {
    name: opts.name ?? 'csv',
    size: body.length,
    inputs: featureNames.length,
    outputs,
    x,
    y,
    featureNames,
    ...(classes ? { classes } : {}),
  };
}
