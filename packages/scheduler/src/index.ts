export * from './heap';
