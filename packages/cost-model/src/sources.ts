/**
 * Where a number came from. `measured`: read from a meter or a log; `modelled`: computed from a model
 * and assumptions; `rated`: a datasheet or price-list figure taken as is.
 */
export type SourceLabel = 'measured' | 'modelled' | 'rated';

export type Source = { label: SourceLabel; note: string };

/** A published document a catalogue value was taken from. `date`: YYYY-MM or YYYY-MM-DD. */
export type Reference = { title: string; url?: string; date: string };

/** A low–high range around a central value; low = high = value when nothing is uncertain. */
export type Range = { low: number; high: number };
