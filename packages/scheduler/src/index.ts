// Browser-safe entry: pure functions over typed arrays, no fs, no env, no clock of its own.
// File readers for traces, nodes and sites live in `@wattwise/scheduler/node`.
export * from './errors';
export * from './heap';
export * from './model';
export * from './state';
export * from './placement';
export * from './policy';
export * from './rates';
export * from './timing';
export * from './simulate';
export * from './csv';
export * from './traces';
export * from './rng';
export * from './inflate';
export * from './online';
