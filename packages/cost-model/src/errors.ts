/**
 * The one error type this package throws for bad input. It names the field and the value so a caller
 * (the CLI, a tRPC procedure, a form in the portal) can point at what to fix; retrying never helps.
 */
export class InputError extends RangeError {
  readonly code = 'INVALID_INPUT';
  readonly retryable = false;

  constructor(
    readonly field: string,
    readonly value: unknown,
    expectation: string,
  ) {
    // Reads as a sentence: "pue 0.8 must be ≥ 1", "tokens is required with params".
    super(
      value === undefined ? `${field} ${expectation}` : `${field} ${show(value)} ${expectation}`,
    );
    this.name = 'InputError';
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null)
    return String(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

// `!(x >= 0)` rather than `x < 0` so that NaN and non-numbers fail too.

export function finite(field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new InputError(field, value, 'must be a finite number');
  return value;
}

export function nonNegative(field: string, value: number): number {
  if (typeof value !== 'number' || !(value >= 0) || value === Infinity) {
    throw new InputError(field, value, 'must be a finite number ≥ 0');
  }
  return value;
}

export function positive(field: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0) || value === Infinity) {
    throw new InputError(field, value, 'must be a finite number > 0');
  }
  return value;
}

/** A share between 0 and 1 inclusive. */
export function fraction(field: string, value: number): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1))
    throw new InputError(field, value, 'must be between 0 and 1');
  return value;
}

export function atLeast(field: string, value: number, min: number): number {
  if (typeof value !== 'number' || !(value >= min) || value === Infinity) {
    throw new InputError(field, value, `must be a finite number ≥ ${min}`);
  }
  return value;
}

export function positiveInteger(field: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0)
    throw new InputError(field, value, 'must be a whole number > 0');
  return value;
}
