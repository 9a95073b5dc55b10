import { InputError } from '@wattwise/cost-model';

export { InputError };

/**
 * A bad row or header in a trace, node or site file. It names the file, the line and the field, and
 * is thrown before anything is returned, so a caller never holds half an import.
 */
export class TraceError extends InputError {
  constructor(
    readonly file: string,
    readonly line: number,
    field: string,
    value: unknown,
    expectation: string,
  ) {
    super(field, value, expectation);
    this.name = 'TraceError';
    // "pods.csv line 12: cpu_milli "x" must be a whole number ≥ 0"
    this.message = `${file} line ${line}: ${this.message}`;
  }
}
