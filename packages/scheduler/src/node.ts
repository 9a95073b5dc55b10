/**
 * Node-only entry: the file readers and the simulation runner the CLI and the worker share.
 * Import from `@wattwise/scheduler/node`; the main entry stays free of `fs`.
 */
export * from './files';
export * from './run';
