// Browser-safe entry: pure functions and typed data, no fs, no env, no clock.
// File loaders for the bundled grid data live in `@wattwise/cost-model/node`.
export * from './errors';
export * from './sources';
export * from './hardware';
export * from './catalog/accelerators';
export * from './catalog/cloud';
export * from './series';
export * from './site';
export * from './grid';
export * from './forecast';
export * from './heatmap';
export * from './forecast-band';
export * from './carbon';
export * from './tco';
export * from './estimate';
export * from './usage';
export * from './allocate';
export * from './focus';
export * from './whatif';
export * from './recommend';
export * from './bill';
export * from './focus-rows';
